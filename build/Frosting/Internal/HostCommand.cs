using Cake.Cli;
using Cake.Cli.Infrastructure;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
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
            TaskRegistrar.Register(engine, frostingContext, provider.GetServices<IFrostingTask>(), log);
            RegisterLifetimes(engine, frostingContext, provider);

            var host = CreateScriptHost(provider, settings, engine, frostingContext, log);
            if (settings.Exclusive)
            {
                host.Settings.UseExclusiveTarget();
            }

            host.RunTargetsAsync(settings.Targets).GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception exception)
        {
            // The engine wraps a task's exception to carry the report (already printed); log the task's own
            // exception so that a CakeException's exit code becomes the process exit code.
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

    private static void RegisterLifetimes(ICakeEngine engine, IFrostingContext context, IServiceProvider provider)
    {
        if (provider.GetService<IFrostingSetup>() is { } setup)
        {
            engine.RegisterSetupAction(info => setup.Setup(context, info));
        }

        if (provider.GetService<IFrostingTeardown>() is { } teardown)
        {
            engine.RegisterTeardownAction(info => teardown.Teardown(context, info));
        }

        if (provider.GetService<IFrostingTaskSetup>() is { } taskSetup)
        {
            engine.RegisterTaskSetupAction(info => taskSetup.Setup(context, info));
        }

        if (provider.GetService<IFrostingTaskTeardown>() is { } taskTeardown)
        {
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
