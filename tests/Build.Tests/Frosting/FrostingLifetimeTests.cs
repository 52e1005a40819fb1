using Cake.Frosting;
using Xunit;

namespace Build.Tests.Frosting;

/// <summary>
/// The lifetime base classes (FrostingLifetime, FrostingSetup, FrostingTeardown and their per-task kin), generic and
/// not, and the rule that the last registration of a Setup or Teardown is the one that runs.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class FrostingLifetimeTests
{
    [Fact]
    public void Non_generic_setup_and_teardown_run_around_the_build()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseSetup<PlainSetup>().UseTeardown<PlainTeardown>().WithTasks(typeof(FirstTask)),
            "--target", "First");

        Assert.Equal(["plain-setup:First", "First", "plain-teardown:True"], run.Journal.Entries);
    }

    [Fact]
    public void Non_generic_task_setup_and_teardown_run_around_each_task()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseTaskSetup<PlainTaskSetup>().UseTaskTeardown<PlainTaskTeardown>()
                .WithTasks(typeof(FirstTask), typeof(SecondTask)),
            "--target", "Second");

        Assert.Equal(
            [
                "plain-task-setup:First", "First", "plain-task-teardown:First",
                "plain-task-setup:Second", "Second", "plain-task-teardown:Second",
            ],
            run.Journal.Entries);
    }

    [Fact]
    public void Non_generic_lifetimes_get_the_build_context_as_ICakeContext()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseLifetime<PlainLifetime>().UseTaskLifetime<PlainTaskLifetime>().WithTasks(typeof(FirstTask)),
            "--target", "First");

        Assert.Equal(
            [
                "plain-lifetime-setup",
                "plain-task-lifetime-setup:First", "First", "plain-task-lifetime-teardown:First",
                "plain-lifetime-teardown",
            ],
            run.Journal.Entries);
    }

    [Fact]
    public void The_last_registered_setup_is_the_one_that_runs()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseSetup<PlainSetup>().UseSetup<OtherPlainSetup>().WithTasks(typeof(FirstTask)),
            "--target", "First");

        Assert.Equal(["other-plain-setup", "First"], run.Journal.Entries);
    }

    [Fact]
    public void UseSetup_after_UseLifetime_replaces_only_the_setup()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseLifetime<PlainLifetime>().UseSetup<OtherPlainSetup>().WithTasks(typeof(FirstTask)),
            "--target", "First");

        Assert.Equal(["other-plain-setup", "First", "plain-lifetime-teardown"], run.Journal.Entries);
    }
}
