using System.Reflection;
using Cake.Cli;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
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
    private readonly List<Assembly> _assemblies = [Assembly.GetEntryAssembly()];

    /// <summary>Creates a host that finds its tasks in the entry assembly.</summary>
    public CakeHost()
    {
    }

    /// <summary>Creates a host that finds its tasks in the entry assembly.</summary>
    /// <returns>The new host.</returns>
    public static CakeHost Create() => new();

    /// <summary>Adds an assembly to scan for tasks (the entry assembly is always scanned; null is ignored).</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>The same host, for chaining.</returns>
    public CakeHost AddAssembly(Assembly assembly)
    {
        _assemblies.Add(assembly);
        return this;
    }

    /// <summary>
    /// Adds registrations to the host's services, now. They go on top of the defaults, so a registration
    /// here replaces a default one (for example a decorated <c>IProcessRunner</c>).
    /// </summary>
    /// <param name="services">What to register.</param>
    /// <returns>The same host, for chaining.</returns>
    public CakeHost ConfigureServices(Action<IServiceCollection> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services(_services);
        return this;
    }

    /// <summary>Parses <paramref name="args"/>, runs the targets and returns the process exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 on success; otherwise 1, or the exit code of a <see cref="CakeException"/>.</returns>
    public int Run(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var task in TaskDiscovery.FindTasks(_assemblies))
        {
            _services.AddSingleton(typeof(IFrostingTask), task);
        }

        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IServiceCollection), _services);
        var app = new CommandApp<HostCommand>(registrar);
        app.Configure(config =>
        {
            config.ValidateExamples();
            config.AddExample([]);
            config.AddExample("--verbosity", "quiet");
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
        services.AddSingleton<IToolInstaller, ToolInstaller>();
        services.AddSingleton<FrostingContext>();
        services.AddSingleton<IFrostingContext>(provider => provider.GetRequiredService<FrostingContext>());
        return services;
    }
}
