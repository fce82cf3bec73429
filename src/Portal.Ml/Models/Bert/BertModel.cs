using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary><c>embeddings</c>: word + absolute position + token type, then LayerNorm (dropout is identity at inference).</summary>
public sealed class BertEmbeddings : Module
{
    private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    private readonly LayerNorm LayerNorm;

    public BertEmbeddings(BertConfig config)
    {
        word_embeddings = register_module(nameof(word_embeddings), new Embedding(config.VocabularySize, config.HiddenSize));
        position_embeddings = register_module(nameof(position_embeddings), new Embedding(config.MaxPositionEmbeddings, config.HiddenSize));
        token_type_embeddings = register_module(nameof(token_type_embeddings), new Embedding(config.TypeVocabularySize, config.HiddenSize));
        LayerNorm = register_module(nameof(LayerNorm), new LayerNorm(config.HiddenSize, config.LayerNormEps));
    }

    public Tensor Forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        var positions = torch.arange(inputIds.size(1), torch.int64, inputIds.device);
        var types = tokenTypeIds ?? torch.zeros(inputIds.shape, torch.int64, inputIds.device);
        return LayerNorm.forward(word_embeddings.forward(inputIds) + position_embeddings.forward(positions) + token_type_embeddings.forward(types));
    }
}

/// <summary><c>attention.self</c>: query, key and value projections.</summary>
public sealed class BertSelfAttention : Module
{
    private Module<Tensor, Tensor> query, key, value;
    private readonly int heads, headDim;

    public BertSelfAttention(BertConfig config)
    {
        heads = config.NumAttentionHeads;
        headDim = config.HiddenSize / heads;
        query = register_module(nameof(query), new Linear(config.HiddenSize, config.HiddenSize));
        key = register_module(nameof(key), new Linear(config.HiddenSize, config.HiddenSize));
        value = register_module(nameof(value), new Linear(config.HiddenSize, config.HiddenSize));
    }

    /// <param name="padding">[B, 1, 1, T], true at padding keys.</param>
    public Tensor Forward(Tensor x, Tensor padding)
    {
        var (batch, time, hidden) = (x.size(0), x.size(1), x.size(2));
        Tensor Heads(Tensor t) => t.view(batch, time, heads, headDim).transpose(1, 2);
        var scores = Heads(query.forward(x)).matmul(Heads(key.forward(x)).transpose(-2, -1)).mul(1.0 / Math.Sqrt(headDim));
        var weights = scores.masked_fill(padding, float.MinValue).softmax(-1);
        return weights.matmul(Heads(value.forward(x))).transpose(1, 2).reshape(batch, time, hidden);
    }
}

/// <summary><c>attention.output</c> and <c>output</c>: dense, then LayerNorm over the residual sum.</summary>
public sealed class BertResidualOutput : Module
{
    private Module<Tensor, Tensor> dense;
    private readonly LayerNorm LayerNorm;

    public BertResidualOutput(long inFeatures, BertConfig config)
    {
        dense = register_module(nameof(dense), new Linear(inFeatures, config.HiddenSize));
        LayerNorm = register_module(nameof(LayerNorm), new LayerNorm(config.HiddenSize, config.LayerNormEps));
    }

    public Tensor Forward(Tensor x, Tensor residual) => LayerNorm.forward(dense.forward(x) + residual);
}

public sealed class BertAttention : Module
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig config)
    {
        self = register_module(nameof(self), new BertSelfAttention(config));
        output = register_module(nameof(output), new BertResidualOutput(config.HiddenSize, config));
    }

    public Tensor Forward(Tensor x, Tensor padding) => output.Forward(self.Forward(x, padding), x);
}

/// <summary><c>intermediate.dense</c> with the configured GELU.</summary>
public sealed class BertIntermediate : Module<Tensor, Tensor>
{
    private Module<Tensor, Tensor> dense;
    private readonly bool tanhApproximation;

    public BertIntermediate(BertConfig config)
    {
        dense = register_module(nameof(dense), new Linear(config.HiddenSize, config.IntermediateSize));
        tanhApproximation = config.HiddenAct switch
        {
            "gelu" => false,
            "gelu_new" or "gelu_pytorch_tanh" => true,
            var other => throw new NotSupportedException($"hidden_act '{other}' is not supported (gelu, gelu_new, gelu_pytorch_tanh are)"),
        };
    }

    public override Tensor forward(Tensor x) => torch.nn.functional.gelu(dense.forward(x), tanhApproximation);
}

public sealed class BertLayer : Module
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig config)
    {
        attention = register_module(nameof(attention), new BertAttention(config));
        intermediate = register_module(nameof(intermediate), new BertIntermediate(config));
        output = register_module(nameof(output), new BertResidualOutput(config.IntermediateSize, config));
    }

    public Tensor Forward(Tensor x, Tensor padding)
    {
        var attended = attention.Forward(x, padding);
        return output.Forward(intermediate.forward(attended), attended);
    }
}

public sealed class BertEncoder : Module
{
    internal readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) =>
        layer = register_module(nameof(layer), new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config))));
}

/// <summary>
/// Hugging Face's <c>BertModel</c> without the pooler (sentence embedders pool the last hidden state themselves).
/// Parameter names equal the checkpoint keys without the <c>bert.</c> prefix. Intermediates go to the caller's dispose scope.
/// </summary>
public sealed class BertModel : Module, IEncoderModel
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;

    public BertModel(BertConfig config)
    {
        Config = config;
        embeddings = register_module(nameof(embeddings), new BertEmbeddings(config));
        encoder = register_module(nameof(encoder), new BertEncoder(config));
    }

    public BertConfig Config { get; }

    public Module Root => this;

    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null)
    {
        var padding = attentionMask.eq(0).view(attentionMask.size(0), 1, 1, attentionMask.size(1));
        var x = embeddings.Forward(inputIds, tokenTypeIds);
        for (var i = 0; i < encoder.layer.Count; i++)
            x = encoder.layer[i].Forward(x, padding);
        return x;
    }
}
