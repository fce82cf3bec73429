using Portal.Ml.Modules;

namespace Portal.Ml.Serving;

/// <summary>
/// A frozen, shared <see cref="Linear"/> that adds the low-rank delta of whichever adapter the
/// current request selected (<see cref="AdapterScope"/>): y = W·x + (B·(A·x))·scale. The delta is
/// never merged into W, so requests for different tenants can run at the same time on one copy
/// of the base weights.
/// </summary>
public sealed class AdapterLinear : Module<Tensor, Tensor>
{
    public AdapterLinear(string name, Linear baseLayer)
    {
        Name = name;
        base_layer = register_module(nameof(base_layer), baseLayer);
        foreach (var parameter in baseLayer.parameters())
            parameter.requires_grad = false;
    }

    /// <summary>The module's qualified name, the key into an adapter's layers.</summary>
    public string Name { get; }

    public Linear base_layer { get; }

    public override Tensor forward(Tensor input)
    {
        var result = base_layer.forward(input);
        if (AdapterScope.Current is not { } adapter || !adapter.Layers.TryGetValue(Name, out var layer))
            return result;
        using var cast = input.dtype == layer.A.dtype ? input.alias() : input.to(layer.A.dtype);
        using var down = torch.nn.functional.linear(cast, layer.A);
        using var up = torch.nn.functional.linear(down, layer.B);
        using var scaled = up.mul(adapter.Scaling);
        using var delta = scaled.dtype == result.dtype ? scaled.alias() : scaled.to(result.dtype);
        using (result)
            return result.add(delta);
    }

    /// <summary>
    /// Wraps every Linear under <paramref name="root"/> except the output head, so an adapter for any
    /// subset of layers can be served. Returns the wrapped names.
    /// </summary>
    public static IReadOnlyList<string> Prepare(Module root, IReadOnlyCollection<string>? excluded = null)
    {
        excluded ??= ["lm_head"];
        var targets = new List<(Module parent, string child, string name, Linear layer)>();
        foreach (var (parentName, parent) in root.named_modules().ToList())
        {
            if (parent is AdapterLinear or LoRALinear)
                continue;
            foreach (var (childName, child) in parent.named_children())
                if (child is Linear linear && !excluded.Contains(childName))
                    targets.Add((parent, childName, parentName.Length == 0 ? childName : $"{parentName}.{childName}", linear));
        }
        foreach (var parameter in root.parameters())
            parameter.requires_grad = false;
        foreach (var (parent, child, name, layer) in targets)
            parent.replace_module(child, new AdapterLinear(name, layer));
        return targets.Select(t => t.name).ToList();
    }
}
