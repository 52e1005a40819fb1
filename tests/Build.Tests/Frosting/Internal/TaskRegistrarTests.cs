using Cake.Frosting;
using Xunit;

namespace Build.Tests.Frosting.Internal;

/// <summary>How task classes become engine tasks: Cake.Frosting's rules, messages included.</summary>
[Collection(HostCollection.Name)]
public sealed class TaskRegistrarTests
{
    private static HostRun Run(Type[] tasks, params string[] args) =>
        HostHarness.Run(h => h.UseContext<TestContext>().WithTasks(tasks), args);

    [Theory]
    [InlineData(typeof(NeedsOtherContextTask), "NeedsOther")]
    [InlineData(typeof(DerivedOtherContextTask), "DerivedOther")]
    public void A_task_for_another_context_type_is_left_out_with_Cake_Frostings_warning_even_through_base_classes(Type task, string name)
    {
        var run = Run([task, typeof(FirstTask)], "--target", name);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Task cannot be used since the context isn't convertible to {typeof(OtherContext).FullName}.", run.Output);
        Assert.Contains($"The target '{name}' was not found.", run.Output);
    }

    [Fact]
    public void A_dependency_that_is_not_a_task_fails_with_Cake_Frostings_message()
    {
        var run = Run([typeof(InvalidDependencyTask)], "--target", "InvalidDependency");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: The dependency 'DateTime' is not a valid task.", run.Output);
    }

    [Fact]
    public void A_reverse_dependency_that_is_not_a_task_fails_with_its_task_name()
    {
        var run = Run([typeof(InvalidDependeeTask)], "--target", "InvalidDependee");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: The reverse dependency 'NamedNotATask' is not a valid task.", run.Output);
    }

    [Fact]
    public void A_hand_written_IFrostingTask_compiles_but_does_not_run_as_in_Cake_Frosting()
    {
        var run = Run([typeof(HandWrittenTask)], "--target", "HandWritten");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("This method expects all IFrostingTask to be instances of FrostingTask or AsyncFrostingTask.", run.Output);
    }

    [Fact]
    public void SkippedMessage_is_the_reason_the_report_gives_for_a_skipped_task()
    {
        var run = Run([typeof(SkippedWithReasonTask), typeof(AfterSkippedTask)], "--target", "AfterSkipped");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["AfterSkipped"], run.Journal.Entries);
        Assert.Matches(@"SkippedWithReason\s.*Skipped\s+not today", run.Output);
    }

    [Fact]
    public void SkippedMessage_is_empty_unless_a_task_sets_it()
    {
        IFrostingTask task = new FirstTask();

        Assert.Equal(string.Empty, task.SkippedMessage);
        Assert.Equal("not today", ((IFrostingTask)new SkippedWithReasonTask()).SkippedMessage);
    }

    [Fact]
    public void A_subclass_does_not_inherit_its_base_classes_name_or_description()
    {
        var run = Run([typeof(UnnamedSubclassTask)], "--description");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(nameof(UnnamedSubclassTask), run.Output);
        Assert.DoesNotContain("NamedBase", run.Output);
        Assert.DoesNotContain("The base class's description.", run.Output);
    }
}
