using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary>A BERT-family encoder whose parameter names follow Hugging Face's <c>BertModel</c> (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.0.attention.self.query.weight</c>, …).</summary>
public interface IEncoderModel : IDisposable
{
    BertConfig Config { get; }

    Module Root { get; }

    /// <summary>Last hidden state [B, T, H] for ids [B, T]; <paramref name="attentionMask"/> [B, T] is 1 for tokens, 0 for padding.</summary>
    Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null);
}
