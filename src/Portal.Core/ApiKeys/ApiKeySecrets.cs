using System.Security.Cryptography;

namespace Portal.ApiKeys;

/// <summary>Creates and hashes API key secrets: <c>kb_sk_</c> or <c>kb_pk_</c> followed by 256 random bits.</summary>
public static class ApiKeySecrets
{
    public const string SecretPrefix = "kb_sk_";
    public const string PublishablePrefix = "kb_pk_";
    private const int RandomBytes = 32;
    private const int VisiblePrefixLength = 12;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Create(ApiKeyKind kind)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return PrefixOf(kind) + Base62(random);
    }

    public static string PrefixOf(ApiKeyKind kind) => kind == ApiKeyKind.Secret ? SecretPrefix : PublishablePrefix;

    public static string VisiblePrefix(string secret) => secret[..Math.Min(VisiblePrefixLength, secret.Length)];

    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    public static bool LooksLikeKey(string value) =>
        value.StartsWith(SecretPrefix, StringComparison.Ordinal) || value.StartsWith(PublishablePrefix, StringComparison.Ordinal);

    private static string Base62(ReadOnlySpan<byte> bytes)
    {
        // Big-endian base conversion; 32 bytes give 43 characters.
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new char[43];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            value = System.Numerics.BigInteger.DivRem(value, 62, out var rem);
            chars[i] = Alphabet[(int)rem];
        }
        return new string(chars);
    }
}
