using Build.Configuration;
using Build.Docker;
using Xunit;

namespace Build.Tests;

/// <summary>Each outcome becomes words in one place: the final table.</summary>
public sealed class RunReportTests
{
    [Theory]
    [InlineData(RolloutResult.None, null, "-")]
    [InlineData(RolloutResult.Unchanged, null, "unchanged")]
    [InlineData(RolloutResult.RollingOut, "1 old replicas are pending termination", "rolling out: 1 old replicas are pending termination")]
    [InlineData(RolloutResult.Interrupted, "1 old replicas are pending termination", "interrupted: 1 old replicas are pending termination")]
    [InlineData(RolloutResult.Failed, null, "failed")]
    [InlineData(RolloutResult.TimedOut, null, "timed out")]
    [InlineData(RolloutResult.RolledBack, null, "rolled back")]
    [InlineData(RolloutResult.WrongImage, null, "wrong image")]
    public void Rollout_outcomes_are_said_with_their_detail(RolloutResult state, string? detail, string text)
    {
        Assert.Equal(text, RunReport.Text(new Outcome<RolloutResult>(state, detail)));
    }

    [Fact]
    public void Times_are_in_tenths_of_a_second()
    {
        Assert.Equal("rolled out 0.5s", RunReport.Text(new Outcome<RolloutResult>(RolloutResult.RolledOut, Took: TimeSpan.FromMilliseconds(480))));
        Assert.Equal("2.1s", RunReport.Text(new Outcome<BuildState>(BuildState.Built, Took: TimeSpan.FromSeconds(2.1))));
        Assert.Equal("loaded 1.0s", RunReport.Text(new Outcome<DeliveryState>(DeliveryState.Loaded, Took: TimeSpan.FromSeconds(1))));
        Assert.Equal("pushed 3.0s", RunReport.Text(new Outcome<DeliveryState>(DeliveryState.Pushed, Took: TimeSpan.FromSeconds(3))));
    }

    [Fact]
    public void Every_service_has_a_row_and_only_changes_that_did_not_end_well_are_left_to_undo()
    {
        var report = new RunReport();
        report.Start([Service("bot"), Service("web"), Service("api")]);
        report.For("bot").ChangedDeployment = "bot";
        report.For("bot").Rollout = new(RolloutResult.Failed);
        report.For("bot").RollbackFailed = true;
        report.For("web").ChangedDeployment = "web";
        report.For("web").Rollout = new(RolloutResult.RolledOut, Took: TimeSpan.FromSeconds(1));
        report.For("api").Build = new(BuildState.Failed);

        var lines = report.ToTable().Lines().ToList();

        Assert.Equal(["bot"], report.LeftChanged.Select(s => s.Service));
        Assert.Matches(@"^bot\s+-\s+-\s+not built\s+-\s+failed, rollback failed$", lines[1]);
        Assert.Matches(@"^web\s+-\s+-\s+not built\s+-\s+rolled out 1\.0s$", lines[2]);
        Assert.Matches(@"^api\s+-\s+-\s+build failed\s+-\s+-$", lines[3]);
    }

    private static ServiceConfig Service(string name) => new(name, $"cp-{name}", $"/ctx/{name}/Dockerfile", $"/ctx/{name}", name, name);
}
