namespace Portal.Ml.Modules;

/// <summary>An indexed list of child modules named "0", "1", … (TorchSharp/PyTorch <c>ModuleList</c>).</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> items = [];

    public ModuleList(IEnumerable<T> modules)
    {
        foreach (var module in modules)
            items.Add(register_module(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
    }

    public int Count => items.Count;

    public T this[int index] => items[index];
}
