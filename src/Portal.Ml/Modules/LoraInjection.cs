using System.Text.RegularExpressions;

namespace Portal.Ml.Modules;

/// <summary>How adapters are attached: rank, alpha, dropout and which Linear layers (by qualified name).</summary>
public sealed record LoraOptions
{
    public const string AllLinear = "all-linear";

    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public double Dropout { get; init; }

    /// <summary>
    /// <c>q_proj|v_proj</c> matches layers whose last name segment (or dotted suffix) is one of the
    /// alternatives; each alternative may be a regular expression. <c>all-linear</c> takes every Linear
    /// except the output head (<c>lm_head</c>), as PEFT does.
    /// </summary>
    public string TargetModules { get; init; } = "q_proj|v_proj";

    public IReadOnlyList<string> ExcludedFromAllLinear { get; init; } = ["lm_head"];
}

public static class LoraInjection
{
    /// <summary>
    /// Replaces matching <see cref="Linear"/> children anywhere under <paramref name="root"/> with
    /// <see cref="LoRALinear"/>s and freezes every other parameter. Returns the replaced names.
    /// </summary>
    public static IReadOnlyList<string> Apply(Module root, LoraOptions options)
    {
        var targets = new List<(Module parent, string childName, string qualifiedName, Linear layer)>();
        foreach (var (parentName, parent) in root.named_modules().ToList())
        {
            if (parent is LoRALinear)
                continue;
            foreach (var (childName, child) in parent.named_children())
            {
                var qualifiedName = parentName.Length == 0 ? childName : $"{parentName}.{childName}";
                if (child is Linear linear && Matches(qualifiedName, options))
                    targets.Add((parent, childName, qualifiedName, linear));
            }
        }

        foreach (var parameter in root.parameters())
            parameter.requires_grad = false;
        foreach (var (parent, childName, _, layer) in targets)
            parent.replace_module(childName, new LoRALinear(layer, options.Rank, options.Alpha, options.Dropout));
        return targets.Select(t => t.qualifiedName).ToList();
    }

    public static void MergeAll(Module root) => ForEachAdapter(root, a => a.merge());

    public static void UnmergeAll(Module root) => ForEachAdapter(root, a => a.unmerge());

    internal static bool Matches(string qualifiedName, LoraOptions options)
    {
        var lastSegment = qualifiedName[(qualifiedName.LastIndexOf('.') + 1)..];
        if (options.TargetModules.Trim() == LoraOptions.AllLinear)
            return !options.ExcludedFromAllLinear.Contains(lastSegment);

        return options.TargetModules.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(pattern => Regex.IsMatch(lastSegment, $"^(?:{pattern})$") || Regex.IsMatch(qualifiedName, $"(?:^|\\.)(?:{pattern})$"));
    }

    private static void ForEachAdapter(Module root, Action<LoRALinear> action)
    {
        foreach (var (_, module) in root.named_modules())
            if (module is LoRALinear adapter)
                action(adapter);
    }
}
