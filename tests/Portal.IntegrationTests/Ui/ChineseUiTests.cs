using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Ui;

/// <summary>The rebuilt pages speak Simplified Chinese when the person or their browser asks for it.</summary>
[Collection(DatabaseCollection.Name)]
public sealed partial class ChineseUiTests(SharedApp app)
{
    // Words a Chinese page may still show: the product's name, file formats, the language switch and settings values.
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "Portal", "EN", "API", "PDF", "DOCX", "XLSX", "PPTX", "HTML", "Markdown", "CSV", "heading", "hybrid", "rrf",
        "hashed", "ngram", "d384",
    };

    [Fact]
    public void Every_string_the_pages_localize_has_a_chinese_entry()
    {
        var chinese = Entries("SharedResource.zh-CN.resx");
        var keys = Directory.EnumerateFiles(Path.Combine(PortalDatabase.RepoRoot(), "src/Portal.Web/Components"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => LocalizedKey().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value)))
            .Concat(Enum.GetNames<TenantRole>()).Concat(Enum.GetNames<DocumentStatus>())
            .Concat(["open", "approved", "corrected", "dismissed", "waiting", "thumbs down", "low confidence", "unknown", "reported"])
            .ToHashSet();
        keys.Count.ShouldBeGreaterThan(100);

        keys.Where(k => !chinese.ContainsKey(k) || string.IsNullOrWhiteSpace(chinese[k])).Order().ToList().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("cookie")]
    [InlineData("accept-language")]
    public async Task The_dashboard_knowledge_base_and_review_pages_show_no_english_without_a_chinese_entry(string chosenBy)
    {
        var account = await app.RegisterAsync("租户");
        var created = await account.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "手册" });
        var kb = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email = account.Email, password = account.Password }))
            .EnsureSuccessStatusCode();
        if (chosenBy == "cookie") (await browser.GetAsync("/culture?name=zh-CN&returnUrl=/")).EnsureSuccessStatusCode();
        else browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN,zh;q=0.9");

        foreach (var path in new[] { "/", $"/knowledge-bases/{kb}", "/review" })
        {
            var html = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync(path));
            html.ShouldContain("lang=\"zh-CN\"");
            html.ShouldContain("知识库");
            var english = EnglishWords(html, account.Email).ToList();
            english.ShouldBeEmpty($"{path} shows English without a Chinese entry");
        }
    }

    private static IEnumerable<string> EnglishWords(string html, string email)
    {
        var text = html.Replace(email, " ");
        text = Invisible().Replace(text, " ");
        text = Tag().Replace(text, " ");
        text = System.Net.WebUtility.HtmlDecode(text);
        return Word().Matches(text).Select(m => m.Value).Where(w => !Allowed.Contains(w)).Distinct();
    }

    private static Dictionary<string, string> Entries(string file) =>
        XDocument.Load(Path.Combine(PortalDatabase.RepoRoot(), "src/Portal.Web/Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    [GeneratedRegex(@"L\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LocalizedKey();

    [GeneratedRegex(@"<(script|style|title|code)\b[^>]*>.*?</\1>|<!--.*?-->", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Invisible();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex Word();
}
