using System.Reflection;
using Cake.Cli;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Frosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Cake.Frosting;

/// <summary>
/// The entry point of a Frosting build: <c>return new CakeHost().UseContext&lt;BuildContext&gt;().Run(args);</c>
/// </summary>
public sealed class CakeHost
{
    private readonly IServiceCollection _services = CreateServiceCollection();
    private readonly List<Assembly> _assemblies = [];

    public CakeHost()
    {
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            _assemblies.Add(entry);
        }
    }

    public static CakeHost Create() => new();

    /// <summary>Adds an assembly to scan for tasks (the entry assembly is always scanned).</summary>
    public CakeHost AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _assemblies.Add(assembly);
        return this;
    }

    /// <summary>
    /// Adds registrations to the host's services. They are applied on top of the defaults, so a registration
    /// here replaces a default one (for example a decorated <see cref="IProcessRunner"/>).
    /// </summary>
    public CakeHost ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_services);
        return this;
    }

    /// <summary>Parses <paramref name="args"/>, runs the targets and returns the process exit code.</summary>
    public int Run(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var task in TaskDiscovery.FindTasks(_assemblies.Distinct()))
        {
            _services.AddSingleton(typeof(IFrostingTask), task);
        }

        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IServiceCollection), _services);
        var app = new CommandApp<HostCommand>(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName(ApplicationName());
            // "--name=value" pairs the host does not know become Cake arguments (context.Argument("name")).
            config.Settings.ConvertFlagsToRemainingArguments = true;
            config.AddExample("--target", "Default");
            config.AddExample("--verbosity", "diagnostic");
            config.AddExample("--tree");
        });
        return app.Run(args);
    }

    private static ServiceCollection CreateServiceCollection()
    {
        var services = new ServiceCollection();
        services.AddCakeDiagnostics();
        services.UseCakeDefaultModules();

        services.AddSingleton<ICakeConfiguration, HostConfiguration>();
        services.AddSingleton<IVersionResolver, EngineVersionResolver>();
        services.AddSingleton<VersionFeature>();
        services.AddSingleton<InfoFeature>();
        services.AddSingleton<IFrostingContext>(provider => new FrostingContext(provider.GetRequiredService<ICakeContext>()));
        return services;
    }

    private static string ApplicationName()
    {
        var name = Assembly.GetEntryAssembly()?.GetName().Name;
        return string.IsNullOrEmpty(name) ? "build" : name;
    }
}
