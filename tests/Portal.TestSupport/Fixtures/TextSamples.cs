using System.Text;

namespace Portal.TestSupport.Fixtures;

public static class TextSamples
{
    public const string Markdown = "# Guide\n\nIntro paragraph with a [link](https://example.com).\n\n## Install\n\n- step one\n- step two\n\n```bash\nmake install\n```\n\n## Use\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    public const string Html = "<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body><nav>Home | About</nav><header>Site header</header>"
        + "<main><h1>Handbook</h1><p>Welcome to the handbook.</p><h2>Leave</h2><p>Ask your manager.</p><script>alert(1)</script>"
        + "<table><tr><th>Days</th><th>Type</th></tr><tr><td>20</td><td>Annual</td></tr></table></main><footer>Copyright</footer></body></html>";
    public const string Csv = "name,city,age\nAlice,Paris,30\nBob,\"Berlin, DE\",41\nChen,上海,28\n";
    public const string PlainText = "First paragraph line one.\nLine two.\n\nSecond paragraph.\n";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string EnglishParagraph(int seed) =>
        $"Section {seed} explains how the knowledge base stores documents. Each upload is parsed, cut into chunks of about five hundred tokens, and indexed for search. "
        + $"Administrators can pick a chunking strategy per knowledge base; the default keeps sections whole. Version {seed}.2 added OCR for scanned pages.";

    public static string ChineseParagraph(int seed) =>
        $"第{seed}节介绍知识库如何保存文档。每个上传的文件都会被解析、切分成大约五百个词元的片段，并建立搜索索引。管理员可以为每个知识库选择切分策略；默认策略会尽量保持章节完整。";
}
