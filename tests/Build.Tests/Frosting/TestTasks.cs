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

/// <summary>Records the names of the build's arguments when Setup runs (Setup also runs in a dry run).</summary>
public sealed class ArgumentsSetup : FrostingSetup<TestContext>
{
    public override void Setup(TestContext context, ISetupContext info) =>
        context.Journal.Add($"arguments:{string.Join(",", context.Arguments.GetArguments().Keys.Order())}");
}

/// <summary>What the Probe task does when it runs; each test registers its own (see <see cref="HostHarness.WithProbe"/>).</summary>
public sealed record Probe(Action<ICakeContext> Body);

/// <summary>Runs the registered <see cref="Probe"/>: a task is created by the host's services, like any Frosting task.</summary>
[TaskName("Probe")]
internal sealed class ProbeTask(Probe probe) : FrostingTask
{
    public override void Run(ICakeContext context) => probe.Body(context);
}

/// <summary>Skipped, with the reason Cake's report shows: the task implements IFrostingTask again to set it.</summary>
[TaskName("SkippedWithReason")]
public sealed class SkippedWithReasonTask : FrostingTask<TestContext>, IFrostingTask
{
    public string SkippedMessage => "not today";

    public override bool ShouldRun(TestContext context) => false;

    public override void Run(TestContext context) => context.Journal.Add("SkippedWithReason");
}

[TaskName("AfterSkipped")]
[IsDependentOn(typeof(SkippedWithReasonTask))]
public sealed class AfterSkippedTask : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add("AfterSkipped");
}

/// <summary>A build's own task base class between the task and <see cref="FrostingTask{T}"/>.</summary>
public abstract class TestTaskBase : FrostingTask<TestContext>
{
    public override void Run(TestContext context) => context.Journal.Add(GetType().Name);
}

[TaskName("Derived")]
public sealed class DerivedTask : TestTaskBase
{
}

public abstract class OtherContextTaskBase : AsyncFrostingTask<OtherContext>
{
}

[TaskName("DerivedOther")]
public sealed class DerivedOtherContextTask : OtherContextTaskBase
{
}

/// <summary>A named, described base class: its subclasses do not inherit the name nor the description (as in Cake.Frosting).</summary>
[TaskName("NamedBase")]
[TaskDescription("The base class's description.")]
public abstract class NamedTaskBase : TestTaskBase
{
}

public sealed class UnnamedSubclassTask : NamedTaskBase
{
}

// The tasks below break registration, so they are internal: CakeHost.AddAssembly only finds public task classes.

/// <summary>Implements IFrostingTask by hand, with exactly the members Cake.Frosting's interface requires.</summary>
[TaskName("HandWritten")]
internal sealed class HandWrittenTask : IFrostingTask
{
    public Task RunAsync(ICakeContext context) => Task.CompletedTask;

    public bool ShouldRun(ICakeContext context) => true;

    public void OnError(Exception exception, ICakeContext context)
    {
    }

    public void Finally(ICakeContext context)
    {
    }
}

[TaskName("InvalidDependency")]
[IsDependentOn(typeof(DateTime))]
internal sealed class InvalidDependencyTask : FrostingTask
{
}

[TaskName("InvalidDependee")]
[IsDependeeOf(typeof(NotATask))]
internal sealed class InvalidDependeeTask : FrostingTask
{
}

[TaskName("NamedNotATask")]
internal sealed class NotATask
{
}
