using Microsoft.AspNetCore.Identity;
using Portal.Identity;

namespace Portal.Web.Features.Account;

/// <summary>
/// Placeholder: no mail transport is configured, so Identity's messages (password reset,
/// confirmation) are written to the log instead of being sent.
/// </summary>
internal sealed partial class LoggedEmailSender(ILogger<LoggedEmailSender> logger) : IEmailSender<PortalUser>
{
    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink) => Log(email, "confirmation link");
    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink) => Log(email, "password reset link");
    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode) => Log(email, "password reset code");

    private Task Log(string email, string what)
    {
        LogNotSent(what, email.Length);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No mail transport configured; a {What} for an address of {Length} characters was not sent")]
    private partial void LogNotSent(string what, int length);
}
