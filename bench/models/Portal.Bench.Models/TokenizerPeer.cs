using System.Diagnostics;
using System.Text;
using Portal.Ml.Search.MiniLm;
using Portal.Ml.Tokenizers;

/// <summary>
/// Microsoft.ML.Tokenizers 2.0.1's BertTokenizer against the project's WordPieceTokenizer on minilm's real vocab.txt:
/// how many corpus pieces get different ids, and both tokenizers' MB/s on one thread.
/// </summary>
internal static class TokenizerPeer
{
    internal static void Run(string work, string text)
    {
        var vocabulary = Path.Combine(MiniLmModelFiles.Ensure(Path.Combine(work, "models")), MiniLmModelFiles.VocabularyFile);
        var ours = WordPieceTokenizer.FromFile(vocabulary);
        var theirs = Microsoft.ML.Tokenizers.BertTokenizer.Create(vocabulary, new Microsoft.ML.Tokenizers.BertOptions { LowerCaseBeforeTokenization = true });

        var pieces = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Take(2000).ToList();
        pieces.AddRange(["Don't re-index tenant #42's PDFs!", "naïve café RÉSUMÉ", "知识库问答：上传文档", "emoji 🙂 x"]);
        var differing = pieces.Where(p => !ours.Encode(p, addSpecialTokens: true).SequenceEqual(theirs.EncodeToIds(p, addSpecialTokens: true, true, true))).ToList();
        Console.WriteLine($"mltokenizers_wordpiece_differing_pieces={differing.Count}/{pieces.Count}");
        if (differing.Count > 0)
            Console.WriteLine($"mltokenizers_wordpiece_first_difference={differing[0].Replace('\n', ' ')}");

        var megabytes = Encoding.UTF8.GetByteCount(text) / 1e6;
        Console.WriteLine($"ours_wordpiece_minilm_vocab_mb_per_s={megabytes / Best(() => ours.Encode(text, addSpecialTokens: false).Count):F1}");
        Console.WriteLine($"mltokenizers_wordpiece_minilm_vocab_mb_per_s={megabytes / Best(() => theirs.EncodeToIds(text, addSpecialTokens: false, true, true).Count):F1}");
    }

    private static double Best(Func<int> encode)
    {
        encode();
        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            encode();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
