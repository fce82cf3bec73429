using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary>
/// Token + learnt position embeddings, a stack of <see cref="DecoderBlock"/>s, a final norm and an
/// output head. Intermediate tensors are left to the caller's <see cref="DisposeScope"/>.
/// </summary>
public sealed class DecoderLanguageModel : Module<Tensor, Tensor>
{
    private readonly Embedding tok_emb, pos_emb;
    private readonly ModuleList<DecoderBlock> blocks;
    private readonly Module<Tensor, Tensor> dropout, ln_f;
    private Module<Tensor, Tensor> lm_head;

    public DecoderLanguageModel(DecoderConfig config)
    {
        Config = config;
        tok_emb = register_module(nameof(tok_emb), new Embedding(config.VocabularySize, config.ModelDimension));
        pos_emb = register_module(nameof(pos_emb), new Embedding(config.MaxSequenceLength, config.ModelDimension));
        using (torch.no_grad())
        {
            // GPT-2's N(0, 0.02) keeps the initial logits small; N(0, 1) starts training far from uniform.
            tok_emb.weight.normal_(0, 0.02);
            pos_emb.weight.normal_(0, 0.02);
        }
        dropout = register_module(nameof(dropout), new Dropout(config.Dropout));
        blocks = register_module(nameof(blocks), new ModuleList<DecoderBlock>(Enumerable.Range(0, config.Layers).Select(_ => new DecoderBlock(config))));
        ln_f = register_module(nameof(ln_f), DecoderBlock.Norm(config));
        lm_head = register_module(nameof(lm_head), new Linear(config.ModelDimension, config.VocabularySize, hasBias: false));
    }

    public DecoderConfig Config { get; }

    /// <summary>Token ids [batch, time] (int64) to logits [batch, time, vocabulary].</summary>
    public override Tensor forward(Tensor tokens)
    {
        var positions = torch.arange(tokens.size(1), torch.int64, tokens.device);
        var x = dropout.forward(tok_emb.forward(tokens) + pos_emb.forward(positions));
        for (var i = 0; i < blocks.Count; i++)
            x = blocks[i].forward(x);
        return lm_head.forward(ln_f.forward(x));
    }

    /// <summary>Mean next-token cross-entropy; targets equal to <paramref name="ignoreIndex"/> (padding) are skipped.</summary>
    public Tensor Loss(Tensor tokens, Tensor targets, long ignoreIndex = -100)
    {
        var logits = forward(tokens);
        return torch.nn.functional.cross_entropy(logits.view(-1, Config.VocabularySize), targets.view(-1), ignoreIndex);
    }
}
