using Portal.Identity;
using Portal.Web.Features.Jobs;

namespace Portal.Web;

/// <summary>Platform administration from the command line (<c>./portal admin …</c>): grant-operator, revoke-operator.</summary>
internal static class AdminCommands
{
    public static bool IsCommand(string[] args) => args is ["admin", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (args is not ["admin", var verb, var email] || verb is not ("grant-operator" or "revoke-operator"))
        {
            Console.Error.WriteLine("usage: admin grant-operator EMAIL | admin revoke-operator EMAIL");
            return 2;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<PlatformOperators>();
        var found = verb == "grant-operator"
            ? await operators.GrantAsync(email, CancellationToken.None)
            : await operators.RevokeAsync(email, CancellationToken.None);
        if (!found)
        {
            Console.Error.WriteLine($"No person is registered with the email {email}.");
            return 1;
        }
        Console.WriteLine(verb == "grant-operator"
            ? $"{email} is a platform operator: the job dashboard is at {JobsDashboard.Path}."
            : $"{email} is no longer a platform operator.");
        return 0;
    }
}
