using System.Reflection;

namespace Portal.Ml.Modules;

/// <summary>
/// A tree of named parameters and child modules, like TorchSharp's <c>nn.Module</c>.
/// Qualified names join the path with dots: <c>blocks.0.attn.q_proj.weight</c>.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly OrderedDictionary<string, Tensor> ownParameters = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Module> children = new(StringComparer.Ordinal);

    public bool training { get; private set; } = true;

    /// <summary>Registers (or replaces) a parameter; it leaves any dispose scope and requires grad.</summary>
    protected Tensor register_parameter(string name, Tensor parameter, bool requiresGrad = true)
    {
        parameter.DetachFromDisposeScope();
        parameter.requires_grad = requiresGrad;
        ownParameters[name] = parameter;
        return parameter;
    }

    protected T register_module<T>(string name, T module) where T : Module
    {
        children[name] = module;
        return module;
    }

    public IEnumerable<(string name, Module module)> named_children() => children.Select(c => (c.Key, c.Value));

    public IEnumerable<(string name, Module module)> named_modules()
    {
        yield return ("", this);
        foreach (var (childName, child) in children)
            foreach (var (name, module) in child.named_modules())
                yield return (name.Length == 0 ? childName : $"{childName}.{name}", module);
    }

    public IEnumerable<(string name, Tensor parameter)> named_parameters()
    {
        foreach (var (name, parameter) in ownParameters)
            yield return (name, parameter);
        foreach (var (childName, child) in children)
            foreach (var (name, parameter) in child.named_parameters())
                yield return ($"{childName}.{name}", parameter);
    }

    public IEnumerable<Tensor> parameters() => named_parameters().Select(p => p.parameter);

    /// <summary>The parameters that an optimiser should update.</summary>
    public IEnumerable<Tensor> trainable_parameters() => parameters().Where(p => p.requires_grad);

    /// <summary>The live parameter tensors by qualified name (not copies), as in TorchSharp.</summary>
    public Dictionary<string, Tensor> state_dict() => named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);

    /// <summary>Copies values into the parameters. With <paramref name="strict"/>, names must match exactly.</summary>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = state_dict();
        if (strict)
        {
            var missing = own.Keys.Except(state.Keys).ToList();
            var unexpected = state.Keys.Except(own.Keys).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidOperationException(
                    $"state dict does not match the module: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
        }

        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source))
                continue;
            if (!source.shape.SequenceEqual(target.shape))
                throw new InvalidOperationException($"{name}: shape [{string.Join(", ", source.shape)}] does not fit [{string.Join(", ", target.shape)}]");
            target.copy_(source);
        }
    }

    public Module train(bool on = true)
    {
        foreach (var (_, module) in named_modules())
            module.training = on;
        return this;
    }

    public Module eval() => train(false);

    /// <summary>Moves every parameter to <paramref name="device"/> in place (the tensors keep their identity).</summary>
    public Module to(Device device) => MoveParameters(null, device);

    /// <summary>Casts every floating-point parameter to <paramref name="dtype"/> in place.</summary>
    public Module to(ScalarType dtype) => MoveParameters(dtype, null);

    private Module MoveParameters(ScalarType? dtype, Device? device)
    {
        foreach (var parameter in parameters())
            parameter.MoveInPlace(dtype, device);
        return this;
    }

    /// <summary>
    /// Swaps a direct child for another module. Fields of the concrete module that referenced the
    /// old child are updated too, so <c>forward</c> uses the replacement.
    /// </summary>
    public void replace_module(string name, Module replacement)
    {
        if (!children.TryGetValue(name, out var previous))
            throw new ArgumentException($"no child module named '{name}'", nameof(name));
        children[name] = replacement;

        for (var type = GetType(); type is not null && type != typeof(Module); type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!ReferenceEquals(field.GetValue(this), previous))
                    continue;
                if (!field.FieldType.IsInstanceOfType(replacement))
                    throw new InvalidOperationException(
                        $"{type.Name}.{field.Name} is typed {field.FieldType.Name}; type it Module<Tensor, Tensor> so '{name}' can be replaced by {replacement.GetType().Name}");
                field.SetValue(this, replacement);
            }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        foreach (var parameter in ownParameters.Values)
            parameter.Dispose();
        foreach (var child in children.Values)
            child.Dispose();
    }
}

/// <summary>A module with a single forward function.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    public abstract TOutput forward(TInput input);

    public TOutput call(TInput input) => forward(input);
}
