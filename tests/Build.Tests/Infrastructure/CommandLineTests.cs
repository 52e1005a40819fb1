using Build.Infrastructure;
using Xunit;

namespace Build.Tests.Infrastructure;

/// <summary>A misspelt or empty argument stops the run before anything happens, naming it.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void A_misspelt_argument_is_named_with_the_closest_known_one()
    {
        Assert.Equal(
            "Unknown argument --rollout-timout=5s. Did you mean --rollout-timeout? Run ./build.sh to list the arguments.",
            CommandLine.Problem(["--target=Redeploy", "--rollout-timout=5s"]));
    }

    [Fact]
    public void An_argument_nothing_resembles_is_named_without_a_guess()
    {
        Assert.Equal("Unknown argument --frobnicate. Run ./build.sh to list the arguments.", CommandLine.Problem(["--frobnicate"]));
    }

    [Fact]
    public void An_empty_value_is_named()
    {
        Assert.Equal(
            "--services= needs a value (its default is all services in the file); leave the argument out to use the default.",
            CommandLine.Problem(["--services="]));
    }

    [Theory]
    [InlineData("--target=Redeploy")]
    [InlineData("--target", "Redeploy")]
    [InlineData("-t", "Redeploy")]
    [InlineData("--Target=Redeploy")]
    [InlineData("--verbosity=diagnostic")]
    [InlineData("--dryrun")]
    [InlineData("--tree")]
    [InlineData("--force-restart")]
    [InlineData("--services=bot")]
    [InlineData("--paths_tools=/tmp/tools")]
    public void Cakes_options_the_builds_arguments_and_cake_settings_pass(params string[] args)
    {
        Assert.Null(CommandLine.Problem(args));
    }

    [Theory]
    [InlineData("--noop")]
    [InlineData("--whatif")]
    [InlineData("--dryrun")]
    public void A_dry_run_is_recognised_in_every_spelling(string option)
    {
        Assert.True(CommandLine.IsDryRun(["--target=Redeploy", option]));
        Assert.False(CommandLine.IsDryRun(["--target=Redeploy"]));
    }
}
