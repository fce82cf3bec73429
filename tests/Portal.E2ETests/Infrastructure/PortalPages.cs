using Microsoft.Playwright;

namespace Portal.E2ETests.Infrastructure;

/// <summary>What a person does in the portal, spelled once so tests read as the story they tell.</summary>
internal static class PortalPages
{
    public static async Task RegisterAsync(this IPage page, string email, string tenantName)
    {
        await page.GotoAsync("account/register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(BrowserPortal.Password);
        await page.GetByLabel("Tenant name").FillAsync(tenantName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        // Registering hashes the password and signs in (two 600,000-iteration PBKDF2 runs) and provisions the
        // tenant; while the other suites run beside it on two cores that can pass the default 15 s.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { Timeout = 60_000 });
    }

    public static async Task SignInAsync(this IPage page, string email, string password = BrowserPortal.Password)
    {
        await page.GotoAsync("account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Sign-in spends a 600,000-iteration PBKDF2 check; give a loaded machine time for it.
        await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 60_000 });
    }

    public static async Task SignOutAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
    }

    public static async Task InviteAsync(this IPage page, string email, string role)
    {
        await page.GotoAsync("members");
        await page.Locator("#invite-email").FillAsync(email);
        await page.Locator("#invite-role").SelectOptionAsync(role);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await page.GetByText("Invitation sent").WaitForAsync();
    }

    public static async Task AcceptInvitationAsync(this IPage page, string tenantName)
    {
        await page.GotoAsync("invitations");
        await page.Locator($"li[data-tenant='{tenantName}']").GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
    }

    /// <summary>Waits until the page's circuit is connected and has rendered, so clicks reach the component.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });

    public static ILocator TenantHeading(this IPage page) => page.Locator("#tenant-name");

    /// <summary>Saves a full-page screenshot when PORTAL_E2E_SCREENSHOTS names a folder; otherwise does nothing.</summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("PORTAL_E2E_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
