using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.TestSupport;

/// <summary>
/// A local HTTP server in Stripe's place: it records what Stripe.net sends (form-encoded v1 requests) and answers in
/// Stripe's JSON shapes for the calls the portal makes: customers, Checkout Sessions, Customer Portal sessions,
/// subscriptions and Billing Meter events. Like Stripe, it replays the saved response for a repeated Idempotency-Key,
/// and counts a meter event once per identifier. It can drop responses, to test retries.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    public sealed record Recorded(string Method, string Path, IReadOnlyDictionary<string, string> Form, string? IdempotencyKey, string? Authorization);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Recorded> _requests = new();
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _idempotent = new();
    private readonly ConcurrentDictionary<string, JsonObject> _subscriptions = new();
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _meterEvents = new();
    private readonly SemaphoreSlim _serial = new(1, 1);
    private int _ids;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Responses to drop (the request is processed, then the connection is aborted) before answering normally.</summary>
    public int DropNextMeterEventResponses { get; set; }
    /// <summary>Meter event requests to refuse with a 500 (nothing recorded) before answering normally.</summary>
    public int FailNextMeterEvents { get; set; }

    public string Url { get; }
    public IReadOnlyCollection<Recorded> Requests => _requests.ToArray();
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> MeterEvents => _meterEvents;
    public IEnumerable<Recorded> RequestsTo(string path) => _requests.Where(r => r.Path == path);

    private StripeStandIn(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<StripeStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        StripeStandIn? self = null;
        app.Run(http => self!.HandleAsync(http));
        await app.StartAsync();
        var url = app.Urls.First();
        self = new StripeStandIn(app, url);
        return self;
    }

    /// <summary>What <c>GET /v1/subscriptions/{id}</c> answers.</summary>
    public void SetSubscription(JsonObject subscription) => _subscriptions[subscription["id"]!.GetValue<string>()] = subscription;

    private async Task HandleAsync(HttpContext http)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (http.Request.HasFormContentType)
            foreach (var (key, value) in await http.Request.ReadFormAsync()) form[key] = value.ToString();
        else if (http.Request.Query.Count > 0)
            foreach (var (key, value) in http.Request.Query) form[key] = value.ToString();
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var path = http.Request.Path.Value ?? "";
        _requests.Enqueue(new Recorded(http.Request.Method, path, form, idempotencyKey, http.Request.Headers.Authorization.FirstOrDefault()));

        if (path == "/v1/billing/meter_events" && FailNextMeterEvents > 0)
        {
            FailNextMeterEvents--;
            await WriteAsync(http, 500, Error("api_error", "Something went wrong on Stripe's end."));
            return;
        }
        (int Status, string Body) answer;
        // One request at a time, so an idempotency key's first answer is saved before its retry is looked up.
        await _serial.WaitAsync();
        try
        {
            var cacheKey = idempotencyKey is null ? null : http.Request.Method + " " + path + " " + idempotencyKey;
            if (cacheKey is not null && _idempotent.TryGetValue(cacheKey, out var saved)) answer = saved;
            else
            {
                answer = Answer(http.Request.Method, path, form);
                if (cacheKey is not null && answer.Status < 500) _idempotent[cacheKey] = answer;
            }
        }
        finally { _serial.Release(); }

        if (path == "/v1/billing/meter_events" && DropNextMeterEventResponses > 0)
        {
            DropNextMeterEventResponses--;
            http.Abort();
            return;
        }
        await WriteAsync(http, answer.Status, answer.Body);
    }

    private (int Status, string Body) Answer(string method, string path, Dictionary<string, string> form)
    {
        // Ids are unique across stand-ins: tests share one database, where a customer id belongs to one tenant.
        var n = $"{_instance}{Interlocked.Increment(ref _ids)}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (method, path)
        {
            case ("POST", "/v1/customers"):
                return (200, new JsonObject
                {
                    ["id"] = $"cus_standin{n}", ["object"] = "customer", ["created"] = now, ["name"] = form.GetValueOrDefault("name"),
                    ["livemode"] = false, ["metadata"] = Metadata(form, "metadata"),
                }.ToJsonString());
            case ("POST", "/v1/checkout/sessions"):
                return (200, new JsonObject
                {
                    ["id"] = $"cs_test_standin{n}", ["object"] = "checkout.session", ["created"] = now, ["mode"] = form.GetValueOrDefault("mode"),
                    ["customer"] = form.GetValueOrDefault("customer"), ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
                    ["success_url"] = form.GetValueOrDefault("success_url"), ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
                    ["status"] = "open", ["livemode"] = false, ["metadata"] = Metadata(form, "metadata"),
                    ["url"] = $"https://checkout.stripe.com/c/pay/cs_test_standin{n}",
                }.ToJsonString());
            case ("POST", "/v1/billing_portal/sessions"):
                return (200, new JsonObject
                {
                    ["id"] = $"bps_standin{n}", ["object"] = "billing_portal.session", ["created"] = now,
                    ["customer"] = form.GetValueOrDefault("customer"), ["return_url"] = form.GetValueOrDefault("return_url"), ["livemode"] = false,
                    ["url"] = $"https://billing.stripe.com/p/session/test_standin{n}",
                }.ToJsonString());
            case ("POST", "/v1/billing/meter_events"):
                var identifier = form.GetValueOrDefault("identifier") ?? $"generated{n}";
                if (!_meterEvents.TryAdd(identifier, form))
                    return (400, Error("invalid_request_error",
                        $"An event already exists with identifier {identifier}.", "duplicate_meter_event"));
                return (200, new JsonObject
                {
                    ["object"] = "billing.meter_event", ["created"] = now, ["event_name"] = form.GetValueOrDefault("event_name"),
                    ["identifier"] = identifier, ["livemode"] = false, ["payload"] = Metadata(form, "payload"),
                    ["timestamp"] = long.TryParse(form.GetValueOrDefault("timestamp"), out var t) ? t : now,
                }.ToJsonString());
            case ("GET", _) when path.StartsWith("/v1/subscriptions/", StringComparison.Ordinal):
                return _subscriptions.TryGetValue(path["/v1/subscriptions/".Length..], out var subscription)
                    ? (200, subscription.ToJsonString())
                    : (404, Error("invalid_request_error", "No such subscription.", "resource_missing"));
            default:
                return (404, Error("invalid_request_error", $"Unrecognized request URL ({method}: {path}).", null));
        }
    }

    private static JsonObject Metadata(Dictionary<string, string> form, string name)
    {
        var result = new JsonObject();
        foreach (var (key, value) in form)
            if (key.StartsWith(name + "[", StringComparison.Ordinal) && key.EndsWith(']') && key.IndexOf('[', name.Length + 1) < 0)
                result[key[(name.Length + 1)..^1]] = value;
        return result;
    }

    private static string Error(string type, string message, string? code = null) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["code"] = code } }.ToJsonString();

    private static async Task WriteAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Request-Id"] = "req_standin" + Guid.NewGuid().ToString("N")[..12];
        await http.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The <c>Stripe-Signature</c> header Stripe sends for <paramref name="payload"/>: <c>t=…,v1=HMAC-SHA256(secret, "t.payload")</c>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A webhook event in Stripe's shape, with the API version this Stripe.net reads.</summary>
    public static string Event(string id, string type, JsonObject data, DateTimeOffset created, string? apiVersion = null) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = apiVersion ?? Stripe.StripeConfiguration.ApiVersion,
        ["created"] = created.ToUnixTimeSeconds(), ["type"] = type, ["livemode"] = false, ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = data.DeepClone() },
    }.ToJsonString();

    /// <summary>A subscription object as Stripe sends it: one item, whose price names the plan, carrying the period.</summary>
    public static JsonObject Subscription(string id, string customer, string status, string priceId, Guid? tenantId,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, bool cancelAtPeriodEnd = false) => new()
    {
        ["id"] = id, ["object"] = "subscription", ["customer"] = customer, ["status"] = status, ["cancel_at_period_end"] = cancelAtPeriodEnd,
        ["created"] = periodStart.ToUnixTimeSeconds(), ["livemode"] = false, ["currency"] = "usd",
        ["metadata"] = tenantId is { } t ? new JsonObject { ["tenant_id"] = t.ToString() } : new JsonObject(),
        ["items"] = new JsonObject
        {
            ["object"] = "list", ["has_more"] = false, ["url"] = $"/v1/subscription_items?subscription={id}",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = "si_" + id, ["object"] = "subscription_item", ["subscription"] = id, ["quantity"] = 1,
                ["current_period_start"] = periodStart.ToUnixTimeSeconds(), ["current_period_end"] = periodEnd.ToUnixTimeSeconds(),
                ["price"] = new JsonObject { ["id"] = priceId, ["object"] = "price", ["currency"] = "usd", ["active"] = true },
            }),
        },
    };

    public static JsonDocument Parse(string json) => JsonDocument.Parse(json);
}
