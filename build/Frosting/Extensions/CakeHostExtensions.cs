using Cake.Core.Composition;
using Cake.Core.IO;
using Cake.Core.Packaging;

namespace Cake.Frosting;

/// <summary>
/// The fluent configuration Cake.Frosting offers on <see cref="CakeHost"/>. Each is the matching
/// <see cref="ServiceCollectionExtensions"/> registration, applied through <see cref="CakeHost.ConfigureServices"/>.
/// </summary>
public static class CakeHostExtensions
{
    /// <summary>Applies the configuration of <typeparamref name="TStartup"/> (a new instance, now).</summary>
    /// <typeparam name="TStartup">The startup.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseStartup<TStartup>(this CakeHost host)
        where TStartup : IFrostingStartup, new()
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.ConfigureServices(services => new TStartup().Configure(services));
    }

    /// <summary>Every task receives an instance of <typeparamref name="TContext"/>, created once per run.</summary>
    /// <typeparam name="TContext">The build's context.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseContext<TContext>(this CakeHost host)
        where TContext : class, IFrostingContext =>
        host.ConfigureServices(services => services.UseContext<TContext>());

    /// <summary>Registers the build's Setup and Teardown.</summary>
    /// <typeparam name="TLifetime">The lifetime.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseLifetime<TLifetime>(this CakeHost host)
        where TLifetime : class, IFrostingLifetime =>
        host.ConfigureServices(services => services.UseLifetime<TLifetime>());

    /// <summary>Registers the build's Setup.</summary>
    /// <typeparam name="TSetup">The setup.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseSetup<TSetup>(this CakeHost host)
        where TSetup : class, IFrostingSetup =>
        host.ConfigureServices(services => services.UseSetup<TSetup>());

    /// <summary>Registers the build's Teardown.</summary>
    /// <typeparam name="TTeardown">The teardown.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseTeardown<TTeardown>(this CakeHost host)
        where TTeardown : class, IFrostingTeardown =>
        host.ConfigureServices(services => services.UseTeardown<TTeardown>());

    /// <summary>Registers the Setup and Teardown that run around each task.</summary>
    /// <typeparam name="TLifetime">The task lifetime.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseTaskLifetime<TLifetime>(this CakeHost host)
        where TLifetime : class, IFrostingTaskLifetime =>
        host.ConfigureServices(services => services.UseTaskLifetime<TLifetime>());

    /// <summary>Registers the Setup that runs before each task.</summary>
    /// <typeparam name="TSetup">The task setup.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseTaskSetup<TSetup>(this CakeHost host)
        where TSetup : class, IFrostingTaskSetup =>
        host.ConfigureServices(services => services.UseTaskSetup<TSetup>());

    /// <summary>Registers the Teardown that runs after each task.</summary>
    /// <typeparam name="TTeardown">The task teardown.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseTaskTeardown<TTeardown>(this CakeHost host)
        where TTeardown : class, IFrostingTaskTeardown =>
        host.ConfigureServices(services => services.UseTaskTeardown<TTeardown>());

    /// <summary>Adds the registrations of a Cake module (as <c>#module</c> does for a script).</summary>
    /// <typeparam name="TModule">The module.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseModule<TModule>(this CakeHost host)
        where TModule : ICakeModule, new() =>
        host.ConfigureServices(services => services.UseModule<TModule>());

    /// <summary>Adds a package installer that <see cref="IToolInstaller"/> may pick for a tool's scheme.</summary>
    /// <typeparam name="TPackageInstaller">The installer.</typeparam>
    /// <param name="host">The host.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UsePackageInstaller<TPackageInstaller>(this CakeHost host)
        where TPackageInstaller : class, IPackageInstaller =>
        host.ConfigureServices(services => services.UsePackageInstaller<TPackageInstaller>());

    /// <summary>Installs a tool before the first task (as <c>#tool</c> does for a script).</summary>
    /// <param name="host">The host.</param>
    /// <param name="uri">The tool, e.g. <c>nuget:?package=NuGet.CommandLine&amp;version=6.13.1</c>.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost InstallTool(this CakeHost host, Uri uri) =>
        host.ConfigureServices(services => services.UseTool(uri));

    /// <summary>The working directory when <c>--working</c> is not given (a relative path is from the current directory).</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">The directory; it must exist.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseWorkingDirectory(this CakeHost host, DirectoryPath path) =>
        host.ConfigureServices(services => services.UseWorkingDirectory(path));

    /// <summary>A Cake configuration value, as in cake.config; CAKE_* variables, cake.config and <c>--key=value</c> still win.</summary>
    /// <param name="host">The host.</param>
    /// <param name="key">The key, e.g. <c>paths_tools</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost UseCakeSetting(this CakeHost host, string key, string value) =>
        host.ConfigureServices(services => services.UseCakeSetting(key, value));

    /// <summary>The directory tools are installed into and looked up in (the <c>paths_tools</c> setting).</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">The directory (a relative path is from the working directory).</param>
    /// <returns>The same host, for chaining.</returns>
    public static CakeHost SetToolPath(this CakeHost host, DirectoryPath path) =>
        host.ConfigureServices(services => services.UseToolPath(path));
}
