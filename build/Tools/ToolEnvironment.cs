using Cake.Core.Tooling;

namespace Build.Tools;

/// <summary>
/// The environment variables a tool process gets on top of the build's own environment (which is never
/// changed): DOCKER_CONFIG when CredsFallback applies, and for docker calls that address minikube's daemon the
/// variables of <c>minikube docker-env</c>. Tasks decide it before they start a tool and pass it in each
/// tool's settings, so what a process gets is visible where it is started.
/// </summary>
public sealed class ToolEnvironment
{
    private readonly SortedDictionary<string, string> _variables;

    private ToolEnvironment(SortedDictionary<string, string> variables) => _variables = variables;

    /// <summary>Nothing added: tools see the build's environment as it is.</summary>
    public static ToolEnvironment Inherited { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <summary>This environment with <paramref name="name"/> set (or replaced).</summary>
    public ToolEnvironment With(string name, string value) => With(new Dictionary<string, string> { [name] = value });

    public ToolEnvironment With(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var copy = new SortedDictionary<string, string>(_variables, StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            copy[name] = value;
        }

        return new ToolEnvironment(copy);
    }

    /// <summary>Puts the variables into the settings' environment (Cake passes it to the process) and returns the settings.</summary>
    public TSettings ApplyTo<TSettings>(TSettings settings)
        where TSettings : ToolSettings
    {
        settings.EnvironmentVariables ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in _variables)
        {
            settings.EnvironmentVariables[name] = value;
        }

        return settings;
    }

    /// <summary>"NAME=value, ..." for logs (the variables hold paths and addresses, never credentials).</summary>
    public override string ToString() =>
        _variables.Count == 0 ? "(inherited)" : string.Join(", ", _variables.Select(v => $"{v.Key}={v.Value}"));
}
