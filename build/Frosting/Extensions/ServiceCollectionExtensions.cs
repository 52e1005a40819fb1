using Cake.Core.Composition;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Frosting.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Cake.Frosting;

/// <summary>
/// The registrations behind the <see cref="CakeHost"/> configuration, for use inside <c>ConfigureServices</c> or an
/// <see cref="IFrostingStartup"/>. Where one service is used (context, lifetimes), the last registration wins.
/// </summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Every task receives an instance of <typeparamref name="TContext"/>, created once per run.</summary>
    /// <typeparam name="TContext">The build's context.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseContext<TContext>(this IServiceCollection services)
        where TContext : class, IFrostingContext =>
        services.AddSingleton<IFrostingContext, TContext>();

    /// <summary>Registers the build's Setup and Teardown.</summary>
    /// <typeparam name="TLifetime">The lifetime.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseLifetime<TLifetime>(this IServiceCollection services)
        where TLifetime : class, IFrostingLifetime
    {
        services.AddSingleton<IFrostingLifetime, TLifetime>();
        services.AddSingleton<IFrostingSetup>(provider => provider.GetRequiredService<IFrostingLifetime>());
        services.AddSingleton<IFrostingTeardown>(provider => provider.GetRequiredService<IFrostingLifetime>());
        return services;
    }

    /// <summary>Registers the build's Setup.</summary>
    /// <typeparam name="TSetup">The setup.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseSetup<TSetup>(this IServiceCollection services)
        where TSetup : class, IFrostingSetup =>
        services.AddSingleton<IFrostingSetup, TSetup>();

    /// <summary>Registers the build's Teardown.</summary>
    /// <typeparam name="TTeardown">The teardown.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseTeardown<TTeardown>(this IServiceCollection services)
        where TTeardown : class, IFrostingTeardown =>
        services.AddSingleton<IFrostingTeardown, TTeardown>();

    /// <summary>Registers the Setup and Teardown that run around each task.</summary>
    /// <typeparam name="TLifetime">The task lifetime.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseTaskLifetime<TLifetime>(this IServiceCollection services)
        where TLifetime : class, IFrostingTaskLifetime
    {
        services.AddSingleton<IFrostingTaskLifetime, TLifetime>();
        services.AddSingleton<IFrostingTaskSetup>(provider => provider.GetRequiredService<IFrostingTaskLifetime>());
        services.AddSingleton<IFrostingTaskTeardown>(provider => provider.GetRequiredService<IFrostingTaskLifetime>());
        return services;
    }

    /// <summary>Registers the Setup that runs before each task.</summary>
    /// <typeparam name="TSetup">The task setup.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseTaskSetup<TSetup>(this IServiceCollection services)
        where TSetup : class, IFrostingTaskSetup =>
        services.AddSingleton<IFrostingTaskSetup, TSetup>();

    /// <summary>Registers the Teardown that runs after each task.</summary>
    /// <typeparam name="TTeardown">The task teardown.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseTaskTeardown<TTeardown>(this IServiceCollection services)
        where TTeardown : class, IFrostingTaskTeardown =>
        services.AddSingleton<IFrostingTaskTeardown, TTeardown>();

    /// <summary>Adds the registrations of a Cake module (as <c>#module</c> does for a script).</summary>
    /// <typeparam name="TModule">The module.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseModule<TModule>(this IServiceCollection services)
        where TModule : ICakeModule, new() =>
        Cake.Cli.ServiceCollectionExtensions.UseModule(services, new TModule());

    /// <summary>Adds a package installer that <see cref="IToolInstaller"/> may pick for a tool's scheme.</summary>
    /// <typeparam name="TPackageInstaller">The installer.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UsePackageInstaller<TPackageInstaller>(this IServiceCollection services)
        where TPackageInstaller : class, IPackageInstaller =>
        services.AddSingleton<IPackageInstaller, TPackageInstaller>();

    /// <summary>Installs a tool before the first task (as <c>#tool</c> does for a script).</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="uri">The tool, e.g. <c>nuget:?package=NuGet.CommandLine&amp;version=6.13.1</c>.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseTool(this IServiceCollection services, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return services.AddSingleton(new PackageReference(uri.OriginalString));
    }

    /// <summary>The working directory when <c>--working</c> is not given (a relative path is from the current directory).</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="path">The directory; it must exist.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseWorkingDirectory(this IServiceCollection services, DirectoryPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return services.AddSingleton(new WorkingDirectory(path));
    }

    /// <summary>A Cake configuration value, as in cake.config; CAKE_* variables, cake.config and <c>--key=value</c> still win.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="key">The key, e.g. <c>paths_tools</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseCakeSetting(this IServiceCollection services, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return services.AddSingleton(new CakeSetting(key, value));
    }

    /// <summary>The directory tools are installed into and looked up in (the <c>paths_tools</c> setting).</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="toolPath">The directory (a relative path is from the working directory).</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseToolPath(this IServiceCollection services, DirectoryPath toolPath)
    {
        ArgumentNullException.ThrowIfNull(toolPath);
        return services.UseCakeSetting(CakeSetting.ToolsPath, toolPath.FullPath);
    }
}
