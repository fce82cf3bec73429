using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.IntegrationTests.Infrastructure;
using Portal.Ml;
using Portal.Ml.Adapters;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Modules;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Chat;

/// <summary>
/// The <c>local</c> generator on a node configured with a tiny random Qwen2 model (written as <c>model make-tiny</c>
/// writes it) and per-tenant adapters in PEFT format, through <c>POST /api/v1/chat</c>.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class LocalModelChatTests(SharedApp shared) : IAsyncLifetime
{
    private const string Question = "How many vacation days do employees receive?";

    private static readonly ChunkSpec[] Handbook =
    [
        new("Employees receive 25 days of paid vacation per year. Vacation requests go to your manager."),
        new("Unused vacation days can be carried over until the end of March."),
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("portal-local-chat-").FullName;
    private PortalApp _app = null!;

    private string BaseModel => Path.Combine(_folder, "base");
    private string Adapters => Path.Combine(_folder, "adapters");

    public Task InitializeAsync()
    {
        TinyModelFactory.Write(TinyModelFamily.Qwen2, BaseModel,
            TinyModelFactory.SampleText + Portal.Chat.Generators.OpenAiPrompt.System + string.Concat(Handbook.Select(c => c.Text)) + Question,
            new TinyModelOptions { VocabularySize = 1024, Seed = 3 });
        // The prompt carries the rules and the sources; the factory's 512 positions are too few for them with this small vocabulary.
        var configPath = Path.Combine(BaseModel, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["max_position_embeddings"] = 4096;
        File.WriteAllText(configPath, config.ToJsonString());
        Directory.CreateDirectory(Adapters);
        _app = new PortalApp(shared.Database, new Dictionary<string, string?>
        {
            ["Ml:ChatModel:BaseModel"] = BaseModel,
            ["Ml:ChatModel:AdaptersDirectory"] = Adapters,
            ["Ml:ChatModel:MaxAdapters"] = "2",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_tenant_with_an_adapter_answers_differently_and_swapping_its_version_changes_only_its_answers()
    {
        var a = await ArrangeTenantAsync();
        var b = await ArrangeTenantAsync();
        var bBase = await AskAsync(b);
        (await AskAsync(a)).ShouldBe(bBase, "same base model, same sources, same question");
        Publish(a, "v1", seed: 1);
        Publish(a, "v2", seed: 2);

        await PutAdapterAsync(a, "v1");
        var aV1 = await AskAsync(a);
        var bAfterV1 = await AskAsync(b);
        await PutAdapterAsync(a, "v2");
        var aV2 = await AskAsync(a);
        var bAfterV2 = await AskAsync(b);

        aV1.Generator.ShouldBe("local:v1");
        aV1.Answer.ShouldNotBe(bBase.Answer);
        aV2.Generator.ShouldBe("local:v2");
        aV2.Answer.ShouldNotBe(aV1.Answer);
        bAfterV1.ShouldBe(bBase);
        bAfterV2.ShouldBe(bBase);
        bBase.Generator.ShouldBe("local");
        (await a.Client.GetFromJsonAsync<JsonElement>("/api/v1/models/adapter")).GetProperty("version").GetString().ShouldBe("v2");
    }

    [Fact]
    public async Task A_streamed_local_answer_sends_its_tokens_as_deltas_and_stores_the_token_usage()
    {
        var a = await ArrangeTenantAsync();
        Publish(a, "v1", seed: 1);
        await PutAdapterAsync(a, "v1");
        var whole = await AskAsync(a);

        var response = await a.Client.PostAsJsonAsync("/api/v1/chat", new { message = Question, stream = true });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = ChatApiTests.ParseSse(await response.Content.ReadAsStringAsync());
        var deltas = events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()).ToList();
        var done = events[^1].Data;

        deltas.Count.ShouldBeGreaterThan(1, "tokens arrive one by one");
        string.Concat(deltas).ShouldBe(whole.Answer);
        done.GetProperty("generator").GetString().ShouldBe("local:v1");
        var tokens = await shared.Database.AdminScalarAsync<string>(
            $"SELECT prompt_tokens || '/' || completion_tokens FROM messages WHERE id = '{done.GetProperty("messageId").GetGuid()}'");
        var (prompt, completion) = (int.Parse(tokens.Split('/')[0]), int.Parse(tokens.Split('/')[1]));
        completion.ShouldBe(12, "max_tokens of the generator's settings");
        prompt.ShouldBeGreaterThan(100, "the prompt carries the rules and the sources");
    }

    [Fact]
    public async Task Questions_asked_while_the_adapter_version_is_swapped_all_succeed_on_one_version_or_the_other()
    {
        var a = await ArrangeTenantAsync();
        Publish(a, "v1", seed: 1);
        Publish(a, "v2", seed: 2);
        await PutAdapterAsync(a, "v2");
        var expected = new Dictionary<string, string> { ["local:v2"] = (await AskAsync(a)).Answer };
        await PutAdapterAsync(a, "v1");
        expected["local:v1"] = (await AskAsync(a)).Answer;

        var asks = Enumerable.Range(0, 10).Select(async i =>
        {
            if (i == 4) await PutAdapterAsync(a, "v2");
            var response = await a.Client.PostAsJsonAsync("/api/v1/chat", new { message = Question });
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            var body = JsonDocument.Parse(text).RootElement;
            return (Generator: body.GetProperty("generator").GetString()!, Answer: body.GetProperty("answer").GetString()!);
        }).ToList();
        var results = await Task.WhenAll(asks);

        results.ShouldAllBe(r => expected.ContainsKey(r.Generator) && expected[r.Generator] == r.Answer);
        (await AskAsync(a)).Generator.ShouldBe("local:v2");
    }

    [Fact]
    public async Task The_adapter_setting_refuses_versions_the_node_does_not_have_and_unsafe_names_and_is_in_the_OpenAPI_document()
    {
        var a = await ArrangeTenantAsync();
        var missing = await a.Client.PutAsJsonAsync("/api/v1/models/adapter", new { version = "v9" });
        var traversal = await a.Client.PutAsJsonAsync("/api/v1/models/adapter", new { version = "../other" });
        var cleared = await a.Client.PutAsJsonAsync("/api/v1/models/adapter", new { version = (string?)null });

        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().ShouldBe("urn:portal:problem:adapter-not-found");
        traversal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        traversal.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        cleared.StatusCode.ShouldBe(HttpStatusCode.OK);
        var view = await cleared.Content.ReadFromJsonAsync<JsonElement>();
        view.TryGetProperty("version", out _).ShouldBeFalse("null is left out of API bodies");
        view.GetProperty("localModelInstalled").GetBoolean().ShouldBeTrue();
        (await a.Client.GetStringAsync("/openapi/v1.json")).ShouldContain("\"/api/v1/models/adapter\"");
    }

    private sealed record Reply(string Answer, string Generator);

    private async Task<Account> ArrangeTenantAsync()
    {
        var owner = await _app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(_app, owner.TenantId);
        await AddDocumentAsync(_app, owner.TenantId, kb, "handbook.md", Handbook);
        var put = await owner.Client.PutAsJsonAsync("/api/v1/chat/settings", new { generator = new { kind = "local", settings = new { max_tokens = 12 } } });
        put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        return owner;
    }

    private static async Task<Reply> AskAsync(Account account)
    {
        var body = await ChatApiTests.AskAsync(account.Client, new { message = Question });
        return new Reply(body.GetProperty("answer").GetString()!, body.GetProperty("generator").GetString()!);
    }

    private static async Task PutAdapterAsync(Account account, string version)
    {
        var response = await account.Client.PutAsJsonAsync("/api/v1/models/adapter", new { version });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A random, strong LoRA on every linear layer, saved by the trainer's PEFT writer under the tenant's folder.</summary>
    private void Publish(Account tenant, string version, int seed)
    {
        using var directory = HuggingFaceModelDirectory.Load(BaseModel);
        var model = directory.RequireCausalLanguageModel();
        torch.manual_seed(seed);
        LoraInjection.Apply(model.Root, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = LoraOptions.AllLinear });
        using (torch.no_grad())
            foreach (var (name, parameter) in model.Root.named_parameters())
                if (name.EndsWith(".lora_A", StringComparison.Ordinal) || name.EndsWith(".lora_B", StringComparison.Ordinal))
                    parameter.normal_(0, 0.5);
        PeftAdapterFormat.Save(Path.Combine(Adapters, tenant.TenantId.ToString("D"), version), model.Root, BaseModel);
    }
}
