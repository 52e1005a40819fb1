using Cake.Cli;
using Cake.Cli.Infrastructure;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Core.Scripting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cake.Frosting.Internal;

/// <summary>The one command of a Frosting build: configure the engine and run (or show) the targets.</summary>
internal sealed class HostCommand(IServiceCollection services) : Command<HostSettings>
{
    public override int Execute(CommandContext context, HostSettings settings, CancellationToken cancellationToken)
    {
        services.AddSingleton<ICakeArguments>(context.Remaining.ToCakeArguments(settings.Targets));
        services.AddSingleton(context.Remaining);

        using var provider = services.BuildServiceProvider();
        var log = provider.GetRequiredService<ICakeLog>();
        try
        {
            var console = provider.GetRequiredService<IConsole>();
            if (settings.Version)
            {
                provider.GetRequiredService<VersionFeature>().Run(console);
                return 0;
            }

            if (settings.Info)
            {
                provider.GetRequiredService<InfoFeature>().Run(console);
                return 0;
            }

            log.Verbosity = settings.Verbosity ?? Verbosity.Normal;
            SetWorkingDirectory(provider, settings);
            log.Verbosity = provider.GetRequiredService<ICakeConfiguration>().GetVerbosity(settings.Verbosity, Verbosity.Normal);

            var engine = provider.GetRequiredService<ICakeEngine>();
            var frostingContext = provider.GetRequiredService<IFrostingContext>();
            var tasks = provider.GetServices<IFrostingTask>().ToList();
            var host = CreateScriptHost(provider, settings, engine, frostingContext, log);
            InstallTools(provider, log);

            TaskRegistrar.Register(engine, frostingContext, tasks, log);
            RegisterLifetimes(engine, frostingContext, provider, log);
            if (settings.Exclusive)
            {
                host.Settings.UseExclusiveTarget();
            }

            host.RunTargetsAsync(settings.Targets).GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception exception)
        {
            // Deliberately unlike Cake.Frosting (see README.md): the engine wraps a task's exception to carry the
            // report (already printed); log the task's own exception so that a CakeException's exit code is kept.
            return log.LogException(exception is CakeReportException { InnerException: { } inner } ? inner : exception);
        }
    }

    private static void SetWorkingDirectory(IServiceProvider provider, HostSettings settings)
    {
        var environment = provider.GetRequiredService<ICakeEnvironment>();
        var directory = (settings.WorkingDirectory ?? provider.GetService<WorkingDirectory>()?.Path)?.MakeAbsolute(environment);
        if (directory is null)
        {
            return;
        }

        if (!provider.GetRequiredService<IFileSystem>().Exist(directory))
        {
            throw new FrostingException($"The working directory '{directory.FullPath}' does not exist.");
        }

        environment.WorkingDirectory = directory;
    }

    /// <summary>Installs the tools registered with InstallTool/UseTool, before any task is registered.</summary>
    private static void InstallTools(IServiceProvider provider, ICakeLog log)
    {
        var tools = provider.GetServices<PackageReference>().ToList();
        if (tools.Count == 0)
        {
            return;
        }

        log.Verbose("Installing tools...");
        var installer = provider.GetRequiredService<IToolInstaller>();
        foreach (var tool in tools)
        {
            installer.Install(tool);
        }
    }

    private static void RegisterLifetimes(ICakeEngine engine, IFrostingContext context, IServiceProvider provider, ICakeLog log)
    {
        if (provider.GetService<IFrostingSetup>() is { } setup)
        {
            log.Debug("Registering setup: {0}", setup.GetType().Name);
            engine.RegisterSetupAction(info => setup.Setup(context, info));
        }

        if (provider.GetService<IFrostingTeardown>() is { } teardown)
        {
            log.Debug("Registering teardown: {0}", teardown.GetType().Name);
            engine.RegisterTeardownAction(info => teardown.Teardown(context, info));
        }

        if (provider.GetService<IFrostingTaskSetup>() is { } taskSetup)
        {
            log.Debug("Registering task setup: {0}", taskSetup.GetType().Name);
            engine.RegisterTaskSetupAction(info => taskSetup.Setup(context, info));
        }

        if (provider.GetService<IFrostingTaskTeardown>() is { } taskTeardown)
        {
            log.Debug("Registering task teardown: {0}", taskTeardown.GetType().Name);
            engine.RegisterTaskTeardownAction(info => taskTeardown.Teardown(context, info));
        }
    }

    private static IScriptHost CreateScriptHost(
        IServiceProvider provider, HostSettings settings, ICakeEngine engine, IFrostingContext context, ICakeLog log)
    {
        if (settings.DryRun)
        {
            return new DryRunScriptHost<IFrostingContext>(engine, context, log);
        }

        if (settings.Tree)
        {
            return new TreeScriptHost(engine, context, provider.GetRequiredService<IConsole>());
        }

        if (settings.Description)
        {
            return new DescriptionScriptHost(engine, context, provider.GetRequiredService<IAnsiConsole>());
        }

        var printer = provider.GetRequiredService<ICakeReportPrinter>();
        var strategy = provider.GetService<IExecutionStrategy>() ?? new DefaultExecutionStrategy(log, printer);
        return new BuildScriptHost<IFrostingContext>(
            engine, strategy, context, printer, provider.GetRequiredService<ICakeConfiguration>(), log);
    }
}
