using Portal.ApiKeys;

namespace Portal.Tests.ApiKeys;

public sealed class ApiKeySecretsTests
{
    [Theory]
    [InlineData(ApiKeyKind.Secret, "kb_sk_")]
    [InlineData(ApiKeyKind.Publishable, "kb_pk_")]
    public void A_key_starts_with_its_kind_and_carries_256_random_bits_in_base62(ApiKeyKind kind, string prefix)
    {
        var key = ApiKeySecrets.Create(kind);
        key.ShouldStartWith(prefix);
        key[prefix.Length..].Length.ShouldBe(43); // 62^43 > 2^256
        key[prefix.Length..].ShouldAllBe(c => char.IsAsciiLetterOrDigit(c));
    }

    [Fact]
    public void Keys_do_not_repeat()
    {
        var keys = Enumerable.Range(0, 2000).Select(_ => ApiKeySecrets.Create(ApiKeyKind.Secret)).ToHashSet();
        keys.Count.ShouldBe(2000);
    }

    [Fact]
    public void The_hash_is_sha256_of_the_whole_key_and_the_visible_prefix_is_short()
    {
        var key = ApiKeySecrets.Create(ApiKeyKind.Secret);
        ApiKeySecrets.Hash(key).ShouldBe(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        ApiKeySecrets.VisiblePrefix(key).Length.ShouldBe(12);
        key.ShouldStartWith(ApiKeySecrets.VisiblePrefix(key));
    }

    [Theory]
    [InlineData("kb_sk_abc", true)]
    [InlineData("kb_pk_abc", true)]
    [InlineData("sk_abc", false)]
    [InlineData("", false)]
    public void Only_portal_prefixes_look_like_keys(string value, bool expected) =>
        ApiKeySecrets.LooksLikeKey(value).ShouldBe(expected);
}
