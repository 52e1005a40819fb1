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

        var summary = StepSummary.Markdown("Redeploy", succeeded: false, "Rollout failed for bot", table);

        Assert.Equal(
            "### `./build.sh --target=Redeploy` failed\n\n| Service | Rollout |\n| --- | --- |\n| bot | failed\\|x |\n\n```\nRollout failed for bot\n```\n",
            summary);
    }

    [Theory]
    [InlineData(true, null, null, true)]
    [InlineData(false, null, null, false)]
    [InlineData(false, "1", null, true)]
    [InlineData(false, null, "true", true)]
    public void Colour_codes_only_go_to_a_terminal_or_a_ci_log_that_renders_them(bool terminal, string? teamCity, string? gitHubActions, bool ansi)
    {
        var cake = new FakeConsole();
        var console = new TerminalAwareConsole(cake, terminal, name => name switch
        {
            "TEAMCITY_VERSION" => teamCity,
            "GITHUB_ACTIONS" => gitHubActions,
            _ => null,
        });

        Assert.Equal(ansi, console.SupportAnsiEscapeCodes);
    }

    /// <summary>Cake's console as it decides when TERM looks like a terminal: colour.</summary>
    private sealed class FakeConsole : Cake.Core.IConsole
    {
        public ConsoleColor ForegroundColor { get; set; }

        public ConsoleColor BackgroundColor { get; set; }

        public bool SupportAnsiEscapeCodes => true;

        public void Write(string format, params object[] arg)
        {
        }

        public void WriteLine(string format, params object[] arg)
        {
        }

        public void WriteError(string format, params object[] arg)
        {
        }

        public void WriteErrorLine(string format, params object[] arg)
        {
        }

        public void ResetColor()
        {
        }
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
