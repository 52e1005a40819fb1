using Cake.Core.Diagnostics;
using Cake.Frosting;
using Xunit;

namespace Build.Tests.Frosting;

/// <summary>The Frosting-compatible host, run in-process on the real Cake engine.</summary>
[Collection(HostCollection.Name)]
public sealed class CakeHostTests
{
    private static readonly Type[] AllTasks =
    [
        typeof(FirstTask), typeof(SecondTask), typeof(ThirdTask), typeof(BeforeThirdTask), typeof(AllTask),
        typeof(FailingTask), typeof(AfterFailingTask), typeof(HandledTask), typeof(ToleratedTask),
        typeof(AfterToleratedTask), typeof(ConditionalTask), typeof(EchoTask), typeof(ExitCodeTask), typeof(UntypedTask),
    ];

    private static HostRun Run(params string[] args) =>
        HostHarness.Run(
            host => host
                .UseContext<TestContext>()
                .UseLifetime<TestLifetime>()
                .UseTaskLifetime<TestTaskLifetime>()
                .WithTasks(AllTasks),
            args);

    private static IEnumerable<string> TaskBodies(HostRun run) =>
        run.Journal.Entries.Where(e => !e.Contains(':') && !e.Contains('='));

    [Fact]
    public void Runs_dependencies_first_in_graph_order()
    {
        var run = Run("--target", "All");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["First", "Second", "BeforeThird", "Third"], TaskBodies(run));
    }

    [Fact]
    public void Setup_runs_before_the_first_task_and_teardown_after_the_last()
    {
        var run = Run("--target", "Second");

        Assert.Equal(
            [
                "setup:Second:First,Second",
                "task-setup:First", "First", "task-teardown:First:ok",
                "task-setup:Second", "Second", "task-teardown:Second:ok",
                "teardown:ok",
            ],
            run.Journal.Entries);
    }

    [Fact]
    public void A_failing_task_fails_the_run_but_teardown_still_runs_and_sees_the_failure()
    {
        var run = Run("--target", "AfterFailing");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["First", "teardown:failed"], run.Journal.Entries.Where(e => e == "First" || e.StartsWith("teardown")));
        Assert.Contains("task-teardown:Failing:failed", run.Journal.Entries);
        Assert.Contains("Failing.Finally", run.Journal.Entries);
        Assert.DoesNotContain("AfterFailing", run.Journal.Entries);
        Assert.Matches(@"Failing\s+\S+\s+Failed", run.Output);
        Assert.Contains("Error: the failing task failed", run.Output);
    }

    [Fact]
    public void A_failure_prints_one_error_line_without_a_stack_trace()
    {
        var run = Run("--target", "Failing");

        Assert.Equal(1, run.ExitCode);
        var errors = run.Output.Split('\n').Where(line => line.Contains("Error", StringComparison.Ordinal) || line.Contains("failing task failed", StringComparison.Ordinal));
        Assert.Equal(["Error: the failing task failed"], errors.Select(line => line.TrimEnd()));
        Assert.DoesNotContain("   at ", run.Output);
    }

    [Fact]
    public void Overriding_OnError_handles_the_exception_as_in_Cake()
    {
        var run = Run("--target", "Handled");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("OnError:handled failure", run.Journal.Entries);
    }

    [Fact]
    public void ContinueOnError_lets_the_dependent_task_run()
    {
        var run = Run("--target", "AfterTolerated");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("AfterTolerated", run.Journal.Entries);
    }

    [Fact]
    public void ShouldRun_false_skips_the_task()
    {
        Assert.DoesNotContain("Conditional", Run("--target", "Conditional").Journal.Entries);
        Assert.Contains("Conditional", Run("--target", "Conditional", "--run-conditional=1").Journal.Entries);
    }

    [Fact]
    public void Unknown_arguments_reach_the_context_and_a_bare_flag_has_an_empty_value()
    {
        var run = Run("--target", "Echo", "--services=bot,dashboard", "--keep-docker-creds", "--rollout-timeout", "30s");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("services=bot,dashboard", run.Journal.Entries);
        Assert.Contains("keep-docker-creds=", run.Journal.Entries);
        Assert.Contains("rollout-timeout=30s", run.Journal.Entries);
        Assert.Contains("target=Echo", run.Journal.Entries);
    }

    [Fact]
    public void Dry_run_runs_setup_and_teardown_but_no_task_body()
    {
        var run = Run("--target", "All", "--dryrun");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(TaskBodies(run));
        Assert.Equal(["setup:All:First,Second,BeforeThird,Third,All", "teardown:ok"], run.Journal.Entries);
        Assert.Contains("4. Third", run.Output);
    }

    [Fact]
    public void Dry_run_adds_no_argument_as_in_Cake_Frosting()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseSetup<ArgumentsSetup>().WithTasks(typeof(FirstTask)),
            "--target", "First", "--dryrun");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["arguments:target"], run.Journal.Entries);
    }

    [Theory]
    [InlineData("--target")]
    [InlineData("-t")]
    [InlineData("--Target")]
    public void Each_spelling_of_the_target_option_chooses_the_target(string option)
    {
        var run = Run(option, "Second");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["First", "Second"], TaskBodies(run));
        Assert.DoesNotContain(run.Journal.Entries, e => e.StartsWith("Target="));
    }

    [Fact]
    public void A_value_given_to_one_of_the_hosts_flags_is_an_error_as_in_Cake_Frosting()
    {
        var run = Run("--target", "First", "--version=1.2.3");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(run.Journal.Entries);
    }

    [Fact]
    public void The_target_is_Default_when_none_is_given()
    {
        var run = HostHarness.Run(h => h.UseContext<TestContext>().WithTasks(typeof(FirstTask)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The target 'Default' was not found.", run.Output);
    }

    [Fact]
    public void Exclusive_runs_only_the_target()
    {
        var run = Run("--target", "Third", "--exclusive");

        Assert.Equal(["Third"], TaskBodies(run));
    }

    [Fact]
    public void Several_targets_run_in_one_graph()
    {
        var run = Run("--target", "First", "--target", "Conditional", "--run-conditional=1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["Conditional", "First"], TaskBodies(run).Order());
    }

    [Fact]
    public void Several_targets_share_their_dependencies_as_in_Cake_7()
    {
        var run = Run("--target", "Second", "--target", "Third");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, run.Journal.Entries.Count(e => e == "First"));
        Assert.Equal(["BeforeThird", "First", "Second", "Third"], run.Journal.Entries[0].Split(':')[2].Split(',').Order());
    }

    [Fact]
    public void A_Cake_setting_restores_one_graph_per_target()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseCakeSetting("Settings_UnifiedDependencyGraphForMultipleTargets", "false")
                .WithTasks(typeof(FirstTask), typeof(SecondTask), typeof(ThirdTask)),
            "--target", "Second", "--target", "Third");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.Journal.Entries.Count(e => e == "Second"));
    }

    [Fact]
    public void Tree_shows_the_dependency_chain()
    {
        var run = Run("--target", "All", "--tree");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Journal.Entries);
        // Cake's tree shows declared dependencies (IsDependeeOf edges are only followed when running).
        Assert.Contains("\nAll\n└─Third\n   └─Second\n      └─First\n", run.Output);
    }

    [Fact]
    public void Description_lists_task_descriptions()
    {
        var run = Run("--description");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"First\s+The first task\.", run.Output);
    }

    [Fact]
    public void Version_prints_the_real_Cake_engine_version()
    {
        var run = Run("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("7.0.0", run.Output.Trim());
    }

    [Fact]
    public void Info_prints_the_engine_version_and_changes_nothing()
    {
        var run = Run("--info");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("7.0.0", run.Output);
        Assert.Empty(run.Journal.Entries);
    }

    [Fact]
    public void An_unknown_target_is_an_error()
    {
        var run = Run("--target", "Nope");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The target 'Nope' was not found.", run.Output);
    }

    [Fact]
    public void A_failing_task_exits_with_1_as_in_Cake_7()
    {
        Assert.Equal(1, Run("--target", "Failing").ExitCode);
    }

    [Fact]
    public void A_CakeException_thrown_by_a_task_sets_the_exit_code_unlike_Cake_Frosting()
    {
        Assert.Equal(42, Run("--target", "ExitCode").ExitCode);
    }

    [Fact]
    public void Quiet_verbosity_hides_information_from_tasks()
    {
        Assert.Contains("untyped task ran", Run("--target", "Untyped").Output);
        Assert.DoesNotContain("untyped task ran", Run("--target", "Untyped", "--verbosity", "quiet").Output);
    }

    [Fact]
    public void Cake_settings_and_the_working_directory_reach_the_context()
    {
        var before = Environment.CurrentDirectory;
        var directory = Directory.CreateTempSubdirectory("coinpilot-working-").FullName;
        try
        {
            var run = HostHarness.Run(
                h => h.UseContext<TestContext>().UseCakeSetting("Coinpilot_Test", "from-setting").WithTasks(typeof(EchoTask)),
                "--target", "Echo", "--working", directory);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains($"working={directory}", run.Journal.Entries);
            Assert.Contains("setting=from-setting", run.Journal.Entries);
        }
        finally
        {
            Environment.CurrentDirectory = before;
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_repeated_argument_configures_Cake_with_its_first_value()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseCakeSetting("Coinpilot_Test", "from-setting").WithTasks(typeof(EchoTask)),
            "--target", "Echo", "--Coinpilot_Test=first", "--Coinpilot_Test=second");

        Assert.Contains("setting=first", run.Journal.Entries);
        Assert.Contains("Coinpilot_Test=first|second", run.Journal.Entries);
    }

    [Fact]
    public void Verbosity_falls_back_to_the_Settings_Verbosity_configuration_as_in_Cake_7()
    {
        var quiet = HostHarness.Run(h => h.UseCakeSetting("Settings_Verbosity", "Quiet").WithTasks(typeof(UntypedTask)), "--target", "Untyped");
        var loud = HostHarness.Run(
            h => h.UseCakeSetting("Settings_Verbosity", "Quiet").WithTasks(typeof(UntypedTask)), "--target", "Untyped", "--verbosity", "normal");

        Assert.DoesNotContain("untyped task ran", quiet.Output);
        Assert.Contains("untyped task ran", loud.Output);
    }

    [Fact]
    public void Tasks_are_created_by_the_hosts_services_and_a_build_without_UseContext_gets_a_FrostingContext()
    {
        var run = HostHarness.Run(h => h.WithProbe(context => context.Log.Information($"context is {context.GetType().Name}")), "--target", "Probe");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("context is FrostingContext", run.Output);
    }

    [Fact]
    public void AddAssembly_registers_the_public_task_classes_of_an_assembly()
    {
        // DerivedTask reaches FrostingTask<TestContext> through its own base class: it still gets the typed context.
        var run = HostHarness.Run(h => h.UseContext<TestContext>().AddAssembly(typeof(FirstTask).Assembly), "--target", "Derived");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([nameof(DerivedTask)], run.Journal.Entries);
    }

    [Fact]
    public void AddAssembly_with_an_assembly_already_scanned_registers_its_tasks_twice_as_in_Cake_Frosting()
    {
        var tasks = typeof(FirstTask).Assembly;
        var run = HostHarness.Run(h => h.UseContext<TestContext>().AddAssembly(tasks).AddAssembly(tasks), "--target", "Derived");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Another task with the name", run.Output);
    }

    [Fact]
    public void Create_is_the_same_as_new()
    {
        var run = HostHarness.Run(CakeHost.Create(), h => h.UseContext<TestContext>().WithTasks(typeof(FirstTask)), "--target", "First");

        Assert.Equal(["First"], run.Journal.Entries);
    }

    [Fact]
    public void A_missing_working_directory_is_a_clear_error()
    {
        var run = HostHarness.Run(h => h.UseContext<TestContext>().WithTasks(typeof(EchoTask)), "--working", "/no/such/dir");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The working directory '/no/such/dir' does not exist.", run.Output);
    }
}

/// <summary>Host runs change process-wide state (the current directory), so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostCollection
{
    public const string Name = "Cake host";
}
