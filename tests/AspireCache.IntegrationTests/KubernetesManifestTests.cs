using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using AspireCache.AspNetCore;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The Kubernetes deployment (deploy/kubernetes): it renders, every document is a Kubernetes object, and it
/// agrees with the node's configuration contract, its image and itself. No cluster runs here; everything is
/// read from the rendered YAML.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly TimeSpan MsBuildTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TheBase_Renders_IntoKubernetesObjects_OfEveryExpectedKind_WithTheDashboardsAsTheyAreInTheRepository()
    {
        KubernetesManifests manifests = await RenderOrSkipAsync();

        string[] expected = ["ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service", "Service", "StatefulSet"];
        Assert.Equal(expected, manifests.Objects.Cast<IKubernetesObject>().Select(o => o.Kind).Order(StringComparer.Ordinal));

        // The Grafana sidecar's convention, and the very JSON the AppHost's Grafana shows.
        V1ConfigMap dashboards = manifests.Named<V1ConfigMap>("aspirecache-dashboards");
        Assert.Equal("1", dashboards.Metadata.Labels["grafana_dashboard"]);
        foreach (string file in Dashboards.Files)
        {
            Assert.Equal(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), dashboards.Data[Path.GetFileName(file)]);
        }

        Assert.Equal(Dashboards.Files.Length, dashboards.Data.Count);
    }

    [Fact]
    public async Task EveryCacheSetting_OnTheNodeContainer_IsASettableNodeOption_AndTheBoundOptionsValidate()
    {
        KubernetesManifests manifests = await RenderOrSkipAsync();
        IReadOnlyList<KeyValuePair<string, string>> environment = ContainerEnvironment.Resolve(manifests.NodeContainer, manifests.Objects.OfType<V1Secret>());

        string[] unexpanded = [.. environment.Where(e => e.Value.Contains("$(", StringComparison.Ordinal)).Select(e => $"{e.Key}={e.Value}")];
        Assert.True(unexpanded.Length == 0, $"these refer to variables not defined above them: {string.Join(", ", unexpanded)}");

        string[] cacheKeys = [.. environment.Select(e => e.Key).Where(k => k.StartsWith(CacheNodeOptions.SectionName + "__", StringComparison.Ordinal))];
        Assert.NotEmpty(cacheKeys);
        string[] notOptions = [.. cacheKeys.Where(key => !IsSettableOption(key))];
        Assert.True(notOptions.Length == 0, $"not settable properties of CacheNodeOptions / CacheGroupSettings: {string.Join(", ", notOptions)}");

        // Bound as the node binds them, refusing any key that is not a property, then validated as at start-up.
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build();
        var options = new CacheNodeOptions();
        configuration.GetSection(CacheNodeOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        ValidateOptionsResult result = new CacheNodeOptionsValidator([]).Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);

        Assert.Equal($"{ContainerEnvironment.PodName}.cache.{ContainerEnvironment.PodNamespace}.svc.cluster.local", options.NodeName);
        Assert.Empty(options.Members);
    }

    [Fact]
    public async Task TheHeadlessServicesPort_IsTheContainersPort_IsTheImagesPort_AndTheMembersAreItsSrvRecords()
    {
        KubernetesManifests manifests = await RenderOrSkipAsync();
        V1Service service = manifests.Named<V1Service>("cache");
        V1Container container = manifests.NodeContainer;

        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.True(service.Spec.PublishNotReadyAddresses, "the Service must publish pods that are not ready yet, so a starting node finds itself");
        Assert.Equal(service.Metadata.Name, manifests.Nodes.Spec.ServiceName);
        Assert.Equal("Parallel", manifests.Nodes.Spec.PodManagementPolicy);
        Assert.Subset(manifests.Nodes.Spec.Template.Metadata.Labels.ToHashSet(), service.Spec.Selector.ToHashSet());

        V1ServicePort port = Assert.Single(service.Spec.Ports);
        int containerPort = Assert.Single(container.Ports).ContainerPort;
        Assert.Equal("http", port.Name);
        Assert.Equal(containerPort, port.Port);
        Assert.Equal(containerPort, PortNumber(container, port.TargetPort));
        Assert.Equal(await ImagePortAsync("CacheNode"), containerPort);
        Assert.Equal(containerPort.ToString(CultureInfo.InvariantCulture), Env(container, "ASPNETCORE_HTTP_PORTS").Value);

        // The node's name is its SRV target under this Service, and the members are the SRV records of its port.
        Assert.Equal($"$(POD_NAME).{service.Metadata.Name}.$(POD_NAMESPACE).svc.cluster.local", Env(container, "Cache__NodeName").Value);
        Assert.Equal($"_{port.Name}._tcp.{service.Metadata.Name}.$(POD_NAMESPACE).svc.cluster.local", Env(container, "Cache__MembersDnsName").Value);
    }

    [Fact]
    public async Task EveryGroupsSource_ResolvesThroughServiceDiscovery_ToTheDemoBackendsService_OnItsImagesPort()
    {
        KubernetesManifests manifests = await RenderOrSkipAsync();
        V1Container node = manifests.NodeContainer;
        V1Container backend = manifests.Named<V1Deployment>("demobackend").Spec.Template.Spec.Containers.Single();

        string[] sources = [.. node.Env.Where(e => e.Name.StartsWith("Cache__Groups__", StringComparison.Ordinal) && e.Name.EndsWith("__SourceService", StringComparison.Ordinal)).Select(e => e.Value)];
        Assert.Equal(["demobackend"], sources);
        foreach (string source in sources)
        {
            // Service discovery's configuration key, as Aspire's WithReference sets it.
            var address = new Uri(Env(node, $"services__{source}__http__0").Value);
            V1Service service = manifests.Named<V1Service>(address.Host);
            V1ServicePort port = Assert.Single(service.Spec.Ports, p => p.Port == address.Port);
            Assert.Equal(await ImagePortAsync("DemoBackend"), PortNumber(backend, port.TargetPort));
            Assert.Subset(manifests.Named<V1Deployment>("demobackend").Spec.Template.Metadata.Labels.ToHashSet(), service.Spec.Selector.ToHashSet());
        }
    }

    [Fact]
    public async Task TheSecrets_AreReferencedFromTheGeneratedSecret_NeverWrittenIntoAnEnvironment()
    {
        KubernetesManifests manifests = await RenderOrSkipAsync();
        V1Secret secret = Assert.Single(manifests.Objects.OfType<V1Secret>());
        V1Container node = manifests.NodeContainer;

        V1SecretKeySelector[] references = [.. new[] { "Cache__PeerSecret", "Cache__AdminSecret", "Cache__KeyHashSecret" }.Select(name =>
        {
            V1EnvVar variable = Env(node, name);
            Assert.True(variable.Value is null, $"{name} has a literal value; it must come from the Secret (valueFrom.secretKeyRef)");
            return Assert.IsType<V1SecretKeySelector>(variable.ValueFrom?.SecretKeyRef);
        })];
        Assert.All(references, reference => Assert.Equal(secret.Metadata.Name, reference.Name));
        Assert.Equal(secret.Data.Keys.Order(StringComparer.Ordinal), references.Select(r => r.Key).Order(StringComparer.Ordinal));

        // No container of the deployment holds a secret's value, or anything named like a secret, as a literal.
        string[] values = [.. secret.Data.Values.Select(v => Encoding.UTF8.GetString(v))];
        IEnumerable<V1EnvVar> everyVariable = manifests.Objects.OfType<V1StatefulSet>().SelectMany(s => s.Spec.Template.Spec.Containers)
            .Concat(manifests.Objects.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers))
            .SelectMany(c => c.Env ?? []);
        Assert.All(everyVariable, variable =>
        {
            Assert.DoesNotContain(variable.Value ?? string.Empty, values);
            Assert.False(variable.Value is not null && variable.Name.Contains("secret", StringComparison.OrdinalIgnoreCase), $"{variable.Name} is a literal");
        });

        // The real values live in deploy/kubernetes/secrets.env, which git ignores.
        string ignored = await File.ReadAllTextAsync(RepositoryFiles.PathOf("deploy", "kubernetes", ".gitignore"), TestContext.Current.CancellationToken);
        Assert.Contains("secrets.env", ignored.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public async Task TheProbesTheDrainTheBudgetAndThePolicy_PointAtTheNodesPortAndPods()
    {
        KubernetesManifests manifests = await RenderOrSkipAsync();
        V1StatefulSet nodes = manifests.Nodes;
        V1Container container = manifests.NodeContainer;
        int containerPort = Assert.Single(container.Ports).ContainerPort;
        IDictionary<string, string> podLabels = nodes.Spec.Template.Metadata.Labels;

        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(containerPort, PortNumber(container, container.ReadinessProbe.HttpGet.Port));
        Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(containerPort, PortNumber(container, container.LivenessProbe.HttpGet.Port));

        // The kubelet kills the process at the grace period's end: it must outlast the preStop sleep and
        // ASP.NET Core's own shutdown timeout, in which in-flight requests finish.
        long preStop = Assert.IsType<long>(container.Lifecycle.PreStop.Sleep?.Seconds);
        TimeSpan shutdown = new HostOptions().ShutdownTimeout;
        Assert.True(nodes.Spec.Template.Spec.TerminationGracePeriodSeconds > preStop + shutdown.TotalSeconds, $"terminationGracePeriodSeconds {nodes.Spec.Template.Spec.TerminationGracePeriodSeconds} <= preStop {preStop} s + shutdown {shutdown.TotalSeconds} s");

        IDictionary<string, string> annotations = nodes.Spec.Template.Metadata.Annotations;
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(containerPort.ToString(CultureInfo.InvariantCulture), annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);

        V1PodDisruptionBudget budget = manifests.Named<V1PodDisruptionBudget>("cache");
        Assert.Equal("1", budget.Spec.MaxUnavailable?.ToString());
        Assert.Subset(podLabels.ToHashSet(), budget.Spec.Selector.MatchLabels.ToHashSet());

        // Ingress to the node's port; one source is the nodes themselves (the peer API), in this namespace.
        V1NetworkPolicy policy = manifests.Named<V1NetworkPolicy>("cache");
        Assert.Subset(podLabels.ToHashSet(), policy.Spec.PodSelector.MatchLabels.ToHashSet());
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        V1NetworkPolicyIngressRule rule = Assert.Single(policy.Spec.Ingress);
        Assert.Equal([containerPort], rule.Ports.Select(p => PortNumber(container, p.Port)));
        Assert.Contains(rule.FromProperty, peer => peer.NamespaceSelector is null && peer.PodSelector?.MatchLabels?.All(podLabels.Contains) == true);
    }

    private static async Task<KubernetesManifests> RenderOrSkipAsync()
    {
        if (KubernetesManifests.MissingReason() is { } missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        return await KubernetesManifests.RenderAsync();
    }

    private static V1EnvVar Env(V1Container container, string name) =>
        Assert.Single(container.Env, e => e.Name == name);

    // A port given by number or by the name of one of the container's ports.
    private static int PortNumber(V1Container container, IntOrString port) =>
        int.TryParse(port.ToString(), out int number) ? number : container.Ports.Single(p => p.Name == port.ToString()).ContainerPort;

    // Whether Cache__A__B… names a property of the node's options that configuration can set: a leaf
    // of CacheNodeOptions, an entry of its Members list, or a leaf of one group's CacheGroupSettings.
    private static bool IsSettableOption(string key)
    {
        string[] path = key.Split("__");
        Type type = typeof(CacheNodeOptions);
        for (int i = 1; i < path.Length; i++)
        {
            PropertyInfo? property = type.GetProperty(path[i], BindingFlags.Public | BindingFlags.Instance);
            if (property is null)
            {
                return false;
            }

            Type propertyType = property.PropertyType;
            if (propertyType == typeof(Dictionary<string, CacheGroupSettings>))
            {
                type = typeof(CacheGroupSettings);
                i++; // the group's name
                continue;
            }

            if (propertyType == typeof(List<string>))
            {
                return i == path.Length - 2 && int.TryParse(path[^1], out _);
            }

            return i == path.Length - 1 && property.SetMethod?.IsPublic == true;
        }

        return false;
    }

    // The port the project's container image declares (its ContainerPort item), read from MSBuild.
    private static async Task<int> ImagePortAsync(string project)
    {
        (int exitCode, string output) = await ExternalProcess.RunAsync(
            "dotnet",
            ["msbuild", RepositoryFiles.PathOf(project, $"{project}.csproj"), "-getItem:ContainerPort"],
            RepositoryFiles.Root,
            MsBuildTimeout);
        Assert.True(exitCode == 0, $"dotnet msbuild exited with {exitCode}:\n{output}");
        using JsonDocument answer = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        JsonElement port = Assert.Single(answer.RootElement.GetProperty("Items").GetProperty("ContainerPort").EnumerateArray());
        return int.Parse(port.GetProperty("Identity").GetString()!, CultureInfo.InvariantCulture);
    }
}
