using Build.Infrastructure;
using Cake.Core;
using Xunit;

namespace Build.Tests.Infrastructure;

/// <summary>Arguments and environment variables become typed settings, or a one-line error naming the input.</summary>
public sealed class BuildSettingsTests
{
    private static BuildSettings Parse(Dictionary<string, string>? environment = null, params (string Name, string Value)[] arguments) =>
        BuildSettings.Parse(new CakeArguments(arguments.ToLookup(a => a.Name, a => a.Value)), HostEnvironment.Read(name => environment?.GetValueOrDefault(name), isWindows: false), "/repo", []);

    private static BuildSettings Parse(params (string Name, string Value)[] arguments) => Parse(null, arguments);

    [Fact]
    public void Defaults_need_no_arguments()
    {
        var settings = Parse();

        Assert.Equal("/repo/redeploy.json", settings.ConfigPath);
        Assert.Null(settings.Services);
        Assert.Equal(TimeSpan.FromSeconds(180), settings.RolloutTimeout);
        Assert.Null(settings.Parallelism);
        Assert.False(settings.KeepDockerCreds.Keep);
        Assert.False(settings.ForceRestart || settings.RollbackOnFailure || settings.DryRun);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("", true)]
    [InlineData("0", false)]
    [InlineData("False", false)]
    [InlineData("no", false)]
    public void Flags_accept_1_true_yes_and_0_false_no_in_any_case(string value, bool expected)
    {
        Assert.Equal(expected, Parse(("keep-docker-creds", value)).KeepDockerCreds.Keep);
        Assert.Equal(expected, Parse(("force-restart", value)).ForceRestart);
    }

    [Fact]
    public void A_bad_flag_value_names_the_argument_and_the_accepted_values()
    {
        var error = Assert.Throws<BuildInputException>(() => Parse(("keep-docker-creds", "maybe"))).Message;

        Assert.Equal("--keep-docker-creds=maybe is not a valid value: use 1/true/yes or 0/false/no.", error);
    }

    [Fact]
    public void The_environment_variable_opts_out_and_a_bad_value_names_the_variable()
    {
        var environment = new Dictionary<string, string> { ["COINPILOT_KEEP_DOCKER_CREDS"] = "1" };
        Assert.Equal(new KeepCredsSetting(true, "COINPILOT_KEEP_DOCKER_CREDS=1"), Parse(environment).KeepDockerCreds);

        environment["COINPILOT_KEEP_DOCKER_CREDS"] = "sure";
        var error = Assert.Throws<BuildInputException>(() => Parse(environment)).Message;
        Assert.Equal("COINPILOT_KEEP_DOCKER_CREDS=sure is not a valid value: use 1/true/yes or 0/false/no.", error);
    }

    [Fact]
    public void The_argument_wins_over_the_environment_variable_and_an_empty_variable_is_unset()
    {
        var environment = new Dictionary<string, string> { ["COINPILOT_KEEP_DOCKER_CREDS"] = "1" };
        Assert.False(Parse(environment, ("keep-docker-creds", "0")).KeepDockerCreds.Keep);

        environment["COINPILOT_KEEP_DOCKER_CREDS"] = " ";
        Assert.Equal(KeepCredsSetting.Default, Parse(environment).KeepDockerCreds);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("3m", 180)]
    [InlineData("1m30s", 90)]
    [InlineData("1h", 3600)]
    public void Durations_take_the_usual_units(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parse(("rollout-timeout", text)).RolloutTimeout);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("0s")]
    [InlineData("5 minutes")]
    public void A_bad_duration_is_an_error(string text)
    {
        Assert.StartsWith($"--rollout-timeout={text} ", Assert.Throws<BuildInputException>(() => Parse(("rollout-timeout", text))).Message);
    }

    [Theory]
    [InlineData("rollout-timeout", "3000000000s")]
    [InlineData("lock-timeout", "99999999999h")]
    [InlineData("rollout-timeout", "1000000h")]
    [InlineData("rollout-timeout", "577h")]
    [InlineData("rollout-timeout", "99999999999999999999999999999999999m")]
    [InlineData("lock-timeout", "2073601")]
    public void A_duration_too_long_for_the_build_is_refused_naming_the_argument_and_the_largest_value(string argument, string text)
    {
        Assert.Equal($"--{argument}={text} is too long: the largest value accepted is 576h.",
            Assert.Throws<BuildInputException>(() => Parse((argument, text))).Message);
    }

    [Fact]
    public void The_largest_duration_is_taken_as_it_is()
    {
        Assert.Equal(TimeSpan.FromHours(576), Parse(("rollout-timeout", "575h60m")).RolloutTimeout);
    }

    [Theory]
    [InlineData("all", null)]
    [InlineData("1", 1)]
    [InlineData("4", 4)]
    public void Parallel_takes_a_count_or_all(string text, int? expected)
    {
        Assert.Equal(expected, Parse(("parallel", text)).Parallelism);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public void A_bad_parallelism_is_an_error(string text)
    {
        Assert.Contains("use a whole number of at least 1, or all", Assert.Throws<BuildInputException>(() => Parse(("parallel", text))).Message);
    }

    [Fact]
    public void Services_are_a_trimmed_list_and_the_config_path_is_relative_to_the_working_directory()
    {
        var settings = Parse(("services", " bot , dashboard,"), ("config", "deploy/other.json"));

        Assert.Equal(["bot", "dashboard"], settings.Services);
        Assert.Equal("/repo/deploy/other.json", settings.ConfigPath);
    }
}
