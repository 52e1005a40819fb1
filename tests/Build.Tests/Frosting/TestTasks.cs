using Cake.Core;
using Cake.Frosting;

namespace Build.Tests.Frosting;

// Tasks and lifetimes used by the host tests. Each records what it did in the run's Journal.

public sealed class TestContext(ICakeContext context, Journal journal) : FrostingContext(context)
{
    public Journal Journal { get; } = journal;
}

public sealed class OtherContext(ICakeContext context) : FrostingContext(context)
{
}

public sealed class TestLifetime : FrostingLifetime<TestContext>
{
    public override void Setup(TestContext context, ISetupContext info) =>
        context.Journal.Add($"setup:{info.TargetTask.Name}:{string.Join(",", info.TasksToExecute.Select(t => t.Name))}");

    public override void Teardown(TestContext context, ITeardownContext info) =>
        context.Journal.Add($"teardown:{(info.Successful ? "ok" : "failed")}");
}

public sealed class TestTaskLifetime : FrostingTaskLifetime<TestContext>
{
    public override void Setup(TestContext context, ITaskSetupContext info) => context.Journal.Add($"task-setup:{info.Task.Name}");

    public override void Teardown(TestContext context, ITaskTeardownContext info) =>
        context.Journal.Add($"task-teardown:{info.Task.Name}:{(info.Successful ? "ok" : "failed")}");
}

[TaskName("First")]
[TaskDescription("The first task.")]
public sealed class FirstTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add("First");
}

[TaskName("Second")]
[IsDependentOn(typeof(FirstTask))]
public sealed class SecondTask : AsyncFrostingTask<TestContext>
{
    public override async Task RunAsync(TestContext context)
    {
        await Task.Yield();
        context.Journal.Add("Second");
    }
}

[TaskName("Third")]
[IsDependentOn(typeof(SecondTask))]
public sealed class ThirdTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add("Third");
}

/// <summary>Depends on nothing itself, but makes Third depend on it.</summary>
[TaskName("BeforeThird")]
[IsDependeeOf(typeof(ThirdTask))]
public sealed class BeforeThirdTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add("BeforeThird");
}

/// <summary>An aggregator: no body, only a dependency.</summary>
[TaskName("All")]
[IsDependentOn(typeof(ThirdTask))]
public sealed class AllTask : FrostingTask<TestContext>
{
}

[TaskName("Failing")]
[IsDependentOn(typeof(FirstTask))]
public sealed class FailingTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => throw new InvalidOperationException("the failing task failed");

    public override void Finally(TestContext context) => context.Journal.Add("Failing.Finally");
}

[TaskName("AfterFailing")]
[IsDependentOn(typeof(FailingTask))]
public sealed class AfterFailingTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add("AfterFailing");
}

[TaskName("Handled")]
public sealed class HandledTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => throw new InvalidOperationException("handled failure");

    public override void OnError(Exception exception, TestContext context) => context.Journal.Add($"OnError:{exception.Message}");
}

[TaskName("Tolerated")]
[ContinueOnError]
public sealed class ToleratedTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => throw new InvalidOperationException("tolerated failure");
}

[TaskName("AfterTolerated")]
[IsDependentOn(typeof(ToleratedTask))]
public sealed class AfterToleratedTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add("AfterTolerated");
}

[TaskName("Conditional")]
public sealed class ConditionalTask : FrostingTask<TestContext>
{
    public override bool ShouldRun(TestContext context) => context.Arguments.HasArgument("run-conditional");

    public override void Run(TestContext context) => context.Journal.Add("Conditional");
}

[TaskName("Echo")]
public sealed class EchoTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context)
    {
        foreach (var (name, values) in context.Arguments.GetArguments().OrderBy(a => a.Key))
        {
            context.Journal.Add($"{name}={string.Join("|", values)}");
        }

        context.Journal.Add($"working={context.Environment.WorkingDirectory.FullPath}");
        context.Journal.Add($"setting={context.Configuration.GetValue("Coinpilot_Test") ?? "<none>"}");
    }
}

[TaskName("ExitCode")]
public sealed class ExitCodeTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => throw new CakeException(42, "stopped with a chosen exit code");
}

[TaskName("NeedsOther")]
public sealed class NeedsOtherContextTask : FrostingTask<OtherContext>
{
}

[TaskName("Untyped")]
public sealed class UntypedTask : FrostingTask
{
    public override void Run(ICakeContext context) => context.Log.Write(
        Cake.Core.Diagnostics.Verbosity.Normal, Cake.Core.Diagnostics.LogLevel.Information, "untyped task ran");
}
