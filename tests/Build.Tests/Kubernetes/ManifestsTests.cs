using System.Text.Json.Nodes;
using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using TestSupport;
using Xunit;

namespace Build.Tests.Kubernetes;

public sealed class ManifestsTests : IDisposable
{
    /// <summary>Octal modes, merge keys, anchors, a List, an init container and a float key in one stream.</summary>
    private const string AppYaml = """
        # The shapes the issue lists, in one stream.
        apiVersion: v1
        kind: Namespace
        metadata:
          name: coin-pilot-ns
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: bot
          namespace: coin-pilot-ns
          labels: &labels
            app: bot
            tier: backend
        spec:
          replicas: 1
          selector:
            matchLabels: *labels
          template:
            metadata:
              labels:
                <<: *labels
                version: "2"
            spec:
              initContainers:
                - name: migrate
                  image: docker.io/library/coinpilot-bot:latest
                  args: [migrate, --dry-run=no]
              containers:
                - name: bot
                  image: coinpilot-bot:latest
                  imagePullPolicy: IfNotPresent
                  resources:
                    limits: &limits {cpu: 0.5, memory: 128Mi}
                    requests:
                      <<: *limits
                      cpu: 100m
                  volumeMounts:
                    - {name: config, mountPath: /etc/bot, readOnly: yes}
                    - {name: keys, mountPath: /etc/keys}
              volumes:
                - name: config
                  configMap: {name: bot-config, defaultMode: 0644}
                - name: keys
                  secret: {secretName: bot-keys, defaultMode: 0400}
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: dashboard, namespace: coin-pilot-ns}
            spec:
              selector: {matchLabels: {app: dashboard}}
              template:
                metadata: {labels: {app: dashboard}}
                spec:
                  containers:
                    - name: dashboard
                      image: coinpilot-dashboard:latest
                      ports: [{containerPort: 8080}]
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: bot-config, namespace: coin-pilot-ns}
            data:
              debug: "off"
              1.10: version

        """;

    /// <summary>
    /// What kubectl v1.32.4 makes of <see cref="AppYaml"/>: <c>kubectl annotate --local -o json -f app.yaml x=y</c>,
    /// with the x annotation taken out again.
    /// </summary>
    private static readonly string[] AppAsKubectlReadsIt =
    [
        """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"coin-pilot-ns"}}""",
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"bot","tier":"backend"},"name":"bot","namespace":"coin-pilot-ns"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"bot","tier":"backend"}},"template":{"metadata":{"labels":{"app":"bot","tier":"backend","version":"2"}},"spec":{"containers":[{"image":"coinpilot-bot:latest","imagePullPolicy":"IfNotPresent","name":"bot","resources":{"limits":{"cpu":0.5,"memory":"128Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"volumeMounts":[{"mountPath":"/etc/bot","name":"config","readOnly":true},{"mountPath":"/etc/keys","name":"keys"}]}],"initContainers":[{"args":["migrate","--dry-run=no"],"image":"docker.io/library/coinpilot-bot:latest","name":"migrate"}],"volumes":[{"configMap":{"defaultMode":420,"name":"bot-config"},"name":"config"},{"name":"keys","secret":{"defaultMode":256,"secretName":"bot-keys"}}]}}}}""",
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dashboard","namespace":"coin-pilot-ns"},"spec":{"selector":{"matchLabels":{"app":"dashboard"}},"template":{"metadata":{"labels":{"app":"dashboard"}},"spec":{"containers":[{"image":"coinpilot-dashboard:latest","name":"dashboard","ports":[{"containerPort":8080}]}]}}}}""",
        """{"apiVersion":"v1","data":{"1.1":"version","debug":"off"},"kind":"ConfigMap","metadata":{"name":"bot-config","namespace":"coin-pilot-ns"}}""",
    ];

    private static readonly BuiltImage Bot = Built("bot", "coinpilot-bot", "bot", "bot", "0123456789abcdef0123");
    private static readonly BuiltImage Dashboard = Built("dashboard", "coinpilot-dashboard", "dashboard", "dashboard", "fedcba98765432100000");

    private readonly TempDirectory _dir = new("manifests");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_a_file_into_the_objects_kubectl_would_apply()
    {
        var objects = Manifests.Read(_dir.WriteFile("app.yaml", AppYaml));

        AssertObjects(AppAsKubectlReadsIt, objects);
    }

    [Fact]
    public void A_json_file_is_a_stream_of_json_objects()
    {
        var objects = Manifests.Parse("""
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"n": "0644"}}
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}, "binaryData": null, "x": 1.50}
            """, "app.json");

        AssertObjects(
            [
                """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"n":"0644"}}""",
                """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"},"binaryData":null,"x":1.5}""",
            ],
            objects);
    }

    [Fact]
    public void A_repeated_key_in_json_keeps_its_last_value_as_in_go()
    {
        var objects = Manifests.Parse("""{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1", "a": "2"}}""", "app.json");

        AssertObjects(["""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"2"}}"""], objects);
    }

    [Fact]
    public void Yaml_that_starts_with_a_brace_is_read_as_yaml()
    {
        var objects = Manifests.Parse("{apiVersion: v1, kind: ConfigMap, data: {a: 0644}}\n", "app.yaml");

        AssertObjects(["""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":420}}"""], objects);
    }

    [Fact]
    public void Yaml_documents_after_a_json_object_are_read_as_yaml()
    {
        var objects = Manifests.Parse("""
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}
            ---
            apiVersion: v1
            kind: ConfigMap
            data: {a: yes}
            """, "app.yaml");

        AssertObjects(
            [
                """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns"}}""",
                """{"apiVersion":"v1","kind":"ConfigMap","data":{"a":true}}""",
            ],
            objects);
    }

    [Fact]
    public void Invalid_json_after_two_objects_is_an_error_naming_the_document_and_line()
    {
        var error = Assert.Throws<BuildInputException>(() => Manifests.Parse(
            "{\"apiVersion\": \"v1\", \"kind\": \"A\"}\n{\"apiVersion\": \"v1\", \"kind\": \"B\"}\n{\"kind\": }\n", "app.json")).Message;

        Assert.StartsWith("app.json: document 3 (line 3): invalid JSON: ", error);
    }

    [Fact]
    public void A_list_in_a_list_stands_for_its_items_and_null_items_for_none()
    {
        var objects = Manifests.Parse("""
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]}
              - {apiVersion: v1, kind: ConfigMapList, items: null}
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
            """, "app.yaml");

        Assert.Equal(["a", "b"], objects.Select(o => (string?)o["metadata"]!["name"]));
    }

    [Fact]
    public void Invalid_yaml_names_the_file_document_and_line()
    {
        var error = Assert.Throws<BuildInputException>(() => Manifests.Parse("kind: Namespace\n---\nkind: Deployment\nmetadata: [unclosed\n", "bad.yaml")).Message;

        Assert.Equal(
            "bad.yaml: document 2 (line 5): While parsing a flow sequence, did not find expected ',' or ']' (kubectl apply refuses this too).",
            error);
    }

    [Theory]
    [InlineData("- a\n- b\n", "document 1 (line 1): is a sequence, not a Kubernetes object (a mapping with apiVersion and kind)")]
    [InlineData("# a note\nhello\n", "document 1 (line 2): is the string \"hello\", not a Kubernetes object (a mapping with apiVersion and kind)")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\n---\nkind: ConfigMap\n", "document 2 (line 4): has no apiVersion; every object needs apiVersion and kind")]
    [InlineData("apiVersion: v1\nkind: 5\n", "document 1 (line 1): has kind 5; every object needs apiVersion and kind")]
    [InlineData("apiVersion: v1\nkind: List\nitems: {a: 1}\n", "document 1 (line 1): is a List whose items is a mapping, not a list")]
    [InlineData("apiVersion: v1\nkind: List\nitems: [{kind: ConfigMap}]\n", "document 1 (line 1): items[0] has no apiVersion; every object needs apiVersion and kind")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n", "document 1 (line 1): has metadata [\"a\"]; metadata must be a mapping whose name is a string")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [a]}\n", "document 1 (line 1): has metadata {\"name\":[\"a\"]}; metadata must be a mapping whose name is a string")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\ndata:\n  ? [a]\n  : b\n", "document 1 (line 4): a sequence cannot be a key (invalid map key)")]
    public void A_document_kubectl_cannot_apply_is_a_one_line_error(string yaml, string problem)
    {
        var error = Assert.Throws<BuildInputException>(() => Manifests.Parse(yaml, "k8s/app.yaml")).Message;

        Assert.Equal($"k8s/app.yaml: {problem} (kubectl apply refuses this too).", error);
    }

    [Fact]
    public void Points_each_services_containers_at_its_built_image_and_reports_services_without_a_deployment()
    {
        var objects = Manifests.Parse("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: bot }
            spec:
              template:
                spec:
                  containers:
                    - { name: sidecar, image: envoy:1 }
                    - { name: bot, image: coinpilot-bot:latest }
            """, "bot.yaml");

        var missing = Manifests.SetImages(objects, [Bot, Dashboard]);

        Assert.Equal(["dashboard"], missing);
        Assert.Equal(["envoy:1", "coinpilot-bot:id-0123456789abcdef"], Images(objects[0]));
    }

    [Fact]
    public void Init_containers_and_other_containers_with_the_services_repository_get_the_built_tag()
    {
        var objects = Manifests.Parse(AppYaml, "app.yaml");

        var missing = Manifests.SetImages(objects, [Bot, Dashboard]);

        Assert.Empty(missing);
        Assert.Equal(["coinpilot-bot:id-0123456789abcdef", "coinpilot-bot:id-0123456789abcdef"], Images(objects[1]));
        Assert.Equal(["coinpilot-dashboard:id-fedcba9876543210"], Images(objects[2]));
    }

    [Theory]
    [InlineData("coinpilot-bot")]
    [InlineData("coinpilot-bot:1.2")]
    [InlineData("docker.io/library/coinpilot-bot:latest")]
    [InlineData("index.docker.io/library/coinpilot-bot")]
    [InlineData("coinpilot-bot@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945")]
    [InlineData("coinpilot-bot:1@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945")]
    public void A_container_runs_the_services_image_when_the_repository_is_the_same_as_docker_names_it(string image)
    {
        var objects = Deployment("worker", ("work", image));

        Manifests.SetImages(objects, [Bot]);

        Assert.Equal(["coinpilot-bot:id-0123456789abcdef"], Images(objects[0]));
    }

    [Theory]
    [InlineData("coinpilot-bot-tests:1")]
    [InlineData("team/coinpilot-bot:1")]
    [InlineData("registry.example.com/coinpilot-bot:1")]
    [InlineData("localhost:5000/coinpilot-bot")]
    public void A_container_of_another_repository_is_left_alone(string image)
    {
        var objects = Deployment("worker", ("work", image));

        Manifests.SetImages(objects, [Bot]);

        Assert.Equal([image], Images(objects[0]));
    }

    [Fact]
    public void The_configured_container_of_the_services_deployment_gets_the_image_whatever_it_ran_before()
    {
        var objects = Deployment("bot", ("bot", "busybox:1"), ("helper", "busybox:1"));

        Manifests.SetImages(objects, [Bot]);

        Assert.Equal(["coinpilot-bot:id-0123456789abcdef", "busybox:1"], Images(objects[0]));
    }

    [Theory]
    [InlineData("StatefulSet", "spec: {template: {spec: {containers: [{name: c, image: coinpilot-bot}]}}}")]
    [InlineData("DaemonSet", "spec: {template: {spec: {initContainers: [{name: c, image: coinpilot-bot}]}}}")]
    [InlineData("ReplicaSet", "spec: {template: {spec: {containers: [{name: c, image: coinpilot-bot}]}}}")]
    [InlineData("Job", "spec: {template: {spec: {containers: [{name: c, image: coinpilot-bot}]}}}")]
    [InlineData("CronJob", "spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: coinpilot-bot}]}}}}}")]
    [InlineData("Pod", "spec: {containers: [{name: c, image: coinpilot-bot}]}")]
    public void Every_workloads_pod_template_gets_the_built_tag(string kind, string spec)
    {
        var objects = Manifests.Parse($"apiVersion: v1\nkind: {kind}\nmetadata: {{name: bot}}\n{spec}\n", "app.yaml");

        var missing = Manifests.SetImages(objects, [Bot]);

        Assert.Equal(["coinpilot-bot:id-0123456789abcdef"], Images(objects[0]));
        Assert.Equal(["bot"], missing);
    }

    [Fact]
    public void Containers_of_other_kinds_are_left_alone()
    {
        var objects = Manifests.Parse(
            "apiVersion: example.com/v1\nkind: Rollout\nmetadata: {name: bot}\nspec: {template: {spec: {containers: [{name: c, image: coinpilot-bot}]}}}\n",
            "app.yaml");

        Manifests.SetImages(objects, [Bot]);

        Assert.Equal("coinpilot-bot", (string?)objects[0]["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Theory]
    [InlineData("bot", "docker.io/library/bot")]
    [InlineData("bot:1", "docker.io/library/bot")]
    [InlineData("team/bot:1", "docker.io/team/bot")]
    [InlineData("index.docker.io/team/bot", "docker.io/team/bot")]
    [InlineData("localhost:5000/bot:1", "localhost:5000/bot")]
    [InlineData("registry.example.com:443/a/b@sha256:abc", "registry.example.com:443/a/b")]
    public void Repository_is_the_docker_normalised_name_without_tag_or_digest(string reference, string repository) =>
        Assert.Equal(repository, Manifests.Repository(reference));

    [Fact]
    public void The_stream_for_kubectl_is_one_json_object_per_line()
    {
        var stream = Manifests.AsStream([Manifests.Namespace("ns"), .. Manifests.Parse("apiVersion: v1\nkind: ConfigMap\ndata: {mode: 0644}\n", "a.yaml")]);

        Assert.Equal(
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"mode\":420}}\n",
            stream);
    }

    private static BuiltImage Built(string name, string image, string deployment, string container, string id) =>
        new(new ServiceConfig(name, image, "", "", deployment, container), ImageId.Parse(id.PadRight(64, '0')), TimeSpan.Zero);

    private static IReadOnlyList<JsonObject> Deployment(string name, params (string Name, string Image)[] containers) =>
        [
            new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = new JsonObject
                {
                    ["template"] = new JsonObject
                    {
                        ["spec"] = new JsonObject
                        {
                            ["containers"] = new JsonArray(containers
                                .Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["image"] = c.Image })
                                .ToArray()),
                        },
                    },
                },
            },
        ];

    /// <summary>The images of a workload's init containers, then its containers.</summary>
    private static List<string?> Images(JsonObject workload) => Manifests.Containers(workload).Select(c => (string?)c["image"]).ToList();

    private static void AssertObjects(IReadOnlyList<string> expected, IReadOnlyList<JsonObject> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[i]), actual[i]), $"object {i}: expected {expected[i]}, got {actual[i].ToJsonString()}");
        }
    }
}
