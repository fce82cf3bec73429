using System.Globalization;
using System.Text;

namespace Portal.Search;

/// <summary>pgvector's text form, <c>[0.1,-0.2,…]</c>: how vectors travel without the pgvector client package.</summary>
internal static class VectorText
{
    public static string Format(ReadOnlySpan<float> vector)
    {
        var sb = new StringBuilder(vector.Length * 11 + 2).Append('[');
        for (var i = 0; i < vector.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(vector[i].ToString("G9", CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }
}
