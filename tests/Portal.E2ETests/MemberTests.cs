using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class MemberTests(BrowserPortal portal)
{
    [Fact]
    public async Task An_invited_person_registers_accepts_and_switches_between_their_two_tenants()
    {
        var owner = await portal.NewPersonAsync();
        await owner.RegisterAsync(BrowserPortal.NewEmail("owner"), "Hosting Tenant");
        var guestEmail = BrowserPortal.NewEmail("guest");
        await owner.InviteAsync(guestEmail, "Editor");

        var guest = await portal.NewPersonAsync();
        await guest.RegisterAsync(guestEmail, "Guest Home");
        (await guest.Locator("#pending-invitations").InnerTextAsync()).ShouldBe("1");
        await guest.AcceptInvitationAsync("Hosting Tenant");
        (await guest.TenantHeading().InnerTextAsync()).ShouldBe("Hosting Tenant");
        (await guest.Locator("#tenant-role").InnerTextAsync()).ShouldBe("Editor");

        await guest.WaitForInteractiveAsync();
        await guest.Locator("#tenant-switcher").ClickAsync();
        await guest.GetByRole(AriaRole.Button, new() { Name = "Guest Home" }).ClickAsync();
        await guest.TenantHeading().Filter(new() { HasText = "Guest Home" }).WaitForAsync();
        (await guest.Locator("#tenant-role").InnerTextAsync()).ShouldBe("Owner");
    }

    [Fact]
    public async Task A_viewer_sees_members_without_the_controls_to_manage_them()
    {
        var owner = await portal.NewPersonAsync();
        await owner.RegisterAsync(BrowserPortal.NewEmail("owner"), "Read Only Org");
        var viewerEmail = BrowserPortal.NewEmail("viewer");
        await owner.InviteAsync(viewerEmail, "Viewer");
        await owner.ScreenshotAsync("members");

        var viewer = await portal.NewPersonAsync();
        await viewer.RegisterAsync(viewerEmail, "Viewer Home");
        await viewer.AcceptInvitationAsync("Read Only Org");
        await viewer.GotoAsync("members");

        (await viewer.Locator("#members tbody tr").CountAsync()).ShouldBe(2);
        (await viewer.Locator("#read-only-note").IsVisibleAsync()).ShouldBeTrue();
        (await viewer.Locator("main form").CountAsync()).ShouldBe(0);
        (await viewer.Locator("main select").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task An_owner_changes_a_members_role_on_the_page_and_the_member_sees_the_new_role()
    {
        var owner = await portal.NewPersonAsync();
        await owner.RegisterAsync(BrowserPortal.NewEmail("owner"), "Promoting Org");
        var memberEmail = BrowserPortal.NewEmail("member");
        await owner.InviteAsync(memberEmail, "Viewer");
        var member = await portal.NewPersonAsync();
        await member.RegisterAsync(memberEmail, "Member Home");
        await member.AcceptInvitationAsync("Promoting Org");
        (await member.Locator("#tenant-role").InnerTextAsync()).ShouldBe("Viewer");

        await owner.GotoAsync("members");
        var row = owner.Locator($"#members tr[data-email='{memberEmail}']");
        await row.GetByLabel($"Role of {memberEmail}").SelectOptionAsync("Editor");
        await row.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Assertions.Expect(owner.Locator($"#members tr[data-email='{memberEmail}'] select")).ToHaveValueAsync("Editor");

        await member.ReloadAsync();
        (await member.Locator("#tenant-role").InnerTextAsync()).ShouldBe("Editor");
    }
}
