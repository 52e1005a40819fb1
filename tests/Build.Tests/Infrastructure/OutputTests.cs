using Build.Infrastructure;
using Xunit;

namespace Build.Tests.Infrastructure;

public sealed class OutputTests
{
    [Fact]
    public void A_text_table_aligns_its_columns()
    {
        var table = new TextTable("Service", "Image").Add("bot", "coinpilot-bot:id-1").Add("dashboard", "d:2");

        Assert.Equal(["Service    Image", "bot        coinpilot-bot:id-1", "dashboard  d:2"], table.Lines());
    }

    [Fact]
    public void The_github_summary_is_markdown_with_the_result_and_the_error()
    {
        var table = new TextTable("Service", "Rollout").Add("bot", "failed|x");

        var summary = GitHubActions.Summary("Redeploy", succeeded: false, "Rollout failed for bot", table);

        Assert.Equal(
            "### `./build.sh --target=Redeploy` failed\n\n| Service | Rollout |\n| --- | --- |\n| bot | failed\\|x |\n\n```\nRollout failed for bot\n```\n",
            summary);
    }

    [Fact]
    public void GitHub_mode_follows_GITHUB_ACTIONS()
    {
        Assert.True(new GitHubActions(n => n == "GITHUB_ACTIONS" ? "true" : n == "GITHUB_STEP_SUMMARY" ? "/s" : null).StepSummaryFile == "/s");
        Assert.Null(new GitHubActions(n => n == "GITHUB_STEP_SUMMARY" ? "/s" : null).StepSummaryFile);
    }

    [Theory]
    [InlineData("minikube", "minikube", null, false)]
    [InlineData("dev", "dev", null, false)]
    [InlineData("prod-eu", "minikube", null, true)]
    [InlineData("prod-eu", "minikube", "prod-eu", false)]
    [InlineData("prod-eu", "minikube", "kind-local", true)]
    public void Only_the_minikube_profiles_context_or_an_explicitly_allowed_one_is_used(string context, string profile, string? allowed, bool refused)
    {
        var problem = PreflightChecks.ContextProblem(context, profile, allowed);

        Assert.Equal(refused, problem is not null);
        if (refused)
        {
            Assert.Contains($"--allow-context={context}", problem);
        }
    }
}
