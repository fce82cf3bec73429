using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Portal.Curation;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Web.Hosting;

namespace Portal.Web.Features.Curation;

public sealed record QaPairBody(string? Question, string? Answer);

internal static class QaPairEndpoints
{
    /// <summary>Largest import file: 16 MiB, enough for tens of thousands of pairs.</summary>
    public const long MaxImportBytes = 16L << 20;

    public static IEndpointRouteBuilder MapQaPairEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/knowledge-bases/{kbId:guid}/qa-pairs").WithTags("QA pairs")
            .RequireAuthorization(PortalPolicies.TenantViewer).AddEndpointFilter<TenantScope>();
        group.MapGet("", async (Guid kbId, QaPairService pairs, CancellationToken ct) => TypedResults.Ok(await pairs.ListAsync(kbId, ct)));
        group.MapPost("", CreateAsync).RequireAuthorization(PortalPolicies.TenantEditor);
        group.MapGet("/{qaPairId:guid}", async (Guid kbId, Guid qaPairId, QaPairService pairs, CancellationToken ct) =>
            TypedResults.Ok(await pairs.GetAsync(kbId, qaPairId, ct)));
        group.MapPut("/{qaPairId:guid}", UpdateAsync).RequireAuthorization(PortalPolicies.TenantEditor);
        group.MapDelete("/{qaPairId:guid}", DeleteAsync).RequireAuthorization(PortalPolicies.TenantEditor);
        group.MapPost("/import", ImportAsync).RequireAuthorization(PortalPolicies.TenantEditor).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxImportBytes + 64 * 1024));
        group.MapGet("/export", ExportAsync);
        return app;
    }

    private static async Task<Results<Created<QaPairView>, ValidationProblem>> CreateAsync(
        Guid kbId, QaPairBody body, QaPairService pairs, CancellationToken ct)
    {
        if (Validate(body, partial: false) is { Count: > 0 } errors) return Invalid(errors);
        var pair = await pairs.CreateAsync(kbId, body.Question, body.Answer, QaSource.Manual, ct);
        return TypedResults.Created($"/api/v1/knowledge-bases/{kbId}/qa-pairs/{pair.Id}", pair);
    }

    private static async Task<Results<Ok<QaPairView>, ValidationProblem>> UpdateAsync(
        Guid kbId, Guid qaPairId, QaPairBody body, QaPairService pairs, CancellationToken ct)
    {
        if (Validate(body, partial: true) is { Count: > 0 } errors) return Invalid(errors);
        return TypedResults.Ok(await pairs.UpdateAsync(kbId, qaPairId, body.Question, body.Answer, ct));
    }

    private static async Task<NoContent> DeleteAsync(
        Guid kbId, Guid qaPairId, QaPairService pairs, CancellationToken ct)
    {
        await pairs.DeleteAsync(kbId, qaPairId, ct);
        return TypedResults.NoContent();
    }

    /// <summary>CSV or JSONL as a multipart <c>file</c> field or as the raw body; the format is detected from the content.</summary>
    private static async Task<Results<Ok<QaImportReport>, ValidationProblem>> ImportAsync(
        Guid kbId, HttpRequest request, QaPairService pairs, CancellationToken ct)
    {
        Stream source;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
            if (file is null) return Invalid(new() { ["file"] = ["Attach the CSV or JSONL file as the multipart field 'file'."] });
            source = file.OpenReadStream();
        }
        else source = request.Body;
        await using (source)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxImportBytes) return Invalid(new() { ["file"] = [$"At most {MaxImportBytes >> 20} MiB per import."] });
                buffer.Write(chunk, 0, read);
            }
            if (buffer.Length == 0) return Invalid(new() { ["file"] = ["The file is empty."] });
            return TypedResults.Ok(await pairs.ImportAsync(kbId, buffer.ToArray(), ct));
        }
    }

    private static async Task<FileContentHttpResult> ExportAsync(Guid kbId, QaPairService pairs, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var text = new StringBuilder();
        foreach (var pair in await pairs.ExportAsync(kbId, ct))
            text.Append(JsonSerializer.Serialize(new { question = pair.Question, answer = pair.Answer }, json.Value.SerializerOptions)).Append('\n');
        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "application/x-ndjson", $"qa-pairs-{kbId}.jsonl");
    }

    private static Dictionary<string, string[]> Validate(QaPairBody body, bool partial)
    {
        var errors = new Dictionary<string, string[]>();
        if (!(partial && body.Question is null) && (string.IsNullOrWhiteSpace(body.Question) || body.Question.Length > QaImportParser.MaxQuestionLength))
            errors["question"] = [$"1–{QaImportParser.MaxQuestionLength} characters."];
        if (!(partial && body.Answer is null) && (string.IsNullOrWhiteSpace(body.Answer) || body.Answer.Length > QaImportParser.MaxAnswerLength))
            errors["answer"] = [$"1–{QaImportParser.MaxAnswerLength} characters."];
        return errors;
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, type: ProblemDetailsSetup.TypePrefix + "validation");
}
