using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Portal.Chat;
using Portal.Web.Hosting;

namespace Portal.Web.Features.Chat;

/// <summary>
/// Writes a chat answer as Server-Sent Events: <c>delta</c> <c>{"text"}</c> events, one <c>citations</c>
/// event and one <c>done</c> event <c>{conversationId, messageId, confidence, generator, flagged}</c>. The
/// first event was produced before this result was returned, so a failure before any output is still
/// an ordinary ProblemDetails response; a failure after it is an <c>error</c> event with the same fields.
/// </summary>
internal sealed partial class ChatStream(IAsyncEnumerator<ChatEvent> events) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache, no-transform";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using (events)
        {
            try
            {
                do
                {
                    var (name, data) = events.Current switch
                    {
                        ChatDelta d => ("delta", (object)new { text = d.Text }),
                        ChatCitations c => ("citations", new { citations = ChatAnswerBody.CitationsOf(c.Citations) }),
                        ChatDone d => ("done", new { d.Answer.ConversationId, d.Answer.MessageId, d.Answer.Confidence, d.Answer.Generator, d.Answer.Flagged }),
                        _ => throw new InvalidOperationException("Unknown chat event."),
                    };
                    await WriteAsync(http, name, data, json, ct);
                }
                while (await events.MoveNextAsync());
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var (status, code, detail) = e is PortalException p ? (p.Status, p.Code, p.Message)
                    : (500, "server-error", "The answer failed; quote the trace id when reporting it.");
                if (status >= 500 && e is not PortalException)
                    LogFailed(http.RequestServices.GetRequiredService<ILogger<ChatStream>>(), e);
                await WriteAsync(http, "error", new { type = ProblemDetailsSetup.TypePrefix + code, status, detail, traceId = http.TraceIdentifier }, json, ct);
            }
        }
    }

    private static async Task WriteAsync(HttpContext http, string name, object data, JsonSerializerOptions json, CancellationToken ct)
    {
        // JSON never contains a raw line break, so one data: line carries the whole payload.
        await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, json)}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(string), ["text/event-stream"]));

    [LoggerMessage(Level = LogLevel.Error, Message = "A streamed answer failed after it began")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
