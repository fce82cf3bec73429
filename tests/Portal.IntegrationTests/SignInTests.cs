using System.Net;
using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

[Collection(DatabaseCollection.Name)]
public sealed class SignInTests(SharedApp app)
{
    [Fact]
    public async Task The_sixth_wrong_password_locks_the_account()
    {
        var person = await app.RegisterAsync();
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
            (await Login(client, person.Email, "wrong password")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // Five failures are forgiven: the right password still works and resets the count.
        (await Login(client, person.Email, person.Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 6; i++)
            (await Login(client, person.Email, "wrong password")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Login(client, person.Email, person.Password)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Failed_sign_in_answers_the_same_for_unknown_known_and_locked_emails()
    {
        var known = await app.RegisterAsync();
        var locked = await app.RegisterAsync();
        var client = app.CreateClient();
        for (var i = 0; i < 6; i++) await Login(client, locked.Email, "wrong password");

        var bodies = new List<string>();
        foreach (var (email, password) in new[] { ("nobody-" + Guid.NewGuid().ToString("N") + "@example.test", "whatever pass"),
                     (known.Email, "wrong password"), (locked.Email, locked.Password) })
        {
            var response = await Login(client, email, password);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        bodies.Distinct().ToList().ShouldBe([bodies[0]], string.Join("\n", bodies));
    }

    [Fact]
    public async Task Password_hashes_use_at_least_600000_pbkdf2_iterations()
    {
        var person = await app.RegisterAsync();
        var hash = Convert.FromBase64String(await app.Database.AdminScalarAsync<string>(
            $"SELECT password_hash FROM users WHERE id = '{person.UserId}'"));
        hash[0].ShouldBe((byte)0x01); // Identity v3 format: prf, iteration count, salt length (big-endian)
        var iterations = (hash[5] << 24) | (hash[6] << 16) | (hash[7] << 8) | hash[8];
        iterations.ShouldBeGreaterThanOrEqualTo(600_000);
    }

    [Fact]
    public async Task Cookie_sign_in_sets_a_secure_httponly_samesite_cookie_outside_development()
    {
        await using var production = new PortalApp(app.Database, environment: "Production");
        var person = await production.RegisterAsync();
        var response = await production.CreateClient().PostAsJsonAsync("/api/v1/auth/login?useCookies=true",
            new { email = person.Email, password = person.Password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal.auth=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.ShouldContain("secure");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=lax");
    }

    private static Task<HttpResponseMessage> Login(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
}
