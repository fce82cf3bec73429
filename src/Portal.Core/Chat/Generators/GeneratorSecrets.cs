using Microsoft.AspNetCore.DataProtection;

namespace Portal.Chat.Generators;

/// <summary>
/// Encrypts a generator's provider key for <c>generator_configs.secret_ciphertext</c> with ASP.NET Core
/// Data Protection (the node's key ring), so a database dump alone does not reveal it.
/// </summary>
internal sealed class GeneratorSecrets(IDataProtectionProvider provider)
{
    // The purpose isolates these ciphertexts from cookies and tokens protected with the same key ring.
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.Chat.GeneratorSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string ciphertext) => _protector.Unprotect(ciphertext);
}
