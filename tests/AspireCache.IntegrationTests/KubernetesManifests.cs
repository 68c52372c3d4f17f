using k8s;
using k8s.Models;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The kustomize base in deploy/kubernetes, rendered by <c>kubectl kustomize</c> and read into typed
/// Kubernetes objects by KubernetesClient's YAML loader.
/// </summary>
/// <remarks>
/// The base needs secrets.env, which is never committed, so it is rendered from a copy: deploy/kubernetes
/// and grafana (the dashboards' own kustomization, which the base lists as <c>../../grafana</c>) are
/// copied to a temporary folder in the same layout, and secrets.env.example becomes secrets.env there.
/// The repository itself is never written to.
/// </remarks>
internal sealed class KubernetesManifests
{
    private static readonly TimeSpan RenderTimeout = TimeSpan.FromMinutes(1);

    private KubernetesManifests(IReadOnlyList<object> objects) => Objects = objects;

    /// <summary>Every object the base renders, in kustomize's order.</summary>
    public IReadOnlyList<object> Objects { get; }

    /// <summary>The cache nodes' StatefulSet.</summary>
    public V1StatefulSet Nodes => Objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "cache");

    /// <summary>The container that runs CacheNode.</summary>
    public V1Container NodeContainer => Nodes.Spec.Template.Spec.Containers.Single(c => c.Name == "cachenode");

    /// <summary>The Service, Secret, … of that kind and name.</summary>
    public T Named<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>().Single(o => o.Metadata.Name == name);

    /// <summary>
    /// Why the manifests cannot be rendered here (kubectl missing), or null. kubectl 1.32 carries kustomize 5.5
    /// and renders offline: <c>apt-get install kubectl</c>.
    /// </summary>
    public static string? MissingReason() => MissingTool.IsOnPath("kubectl")
        ? null
        : "'kubectl' is not on PATH (apt-get install kubectl): the Kubernetes manifests are rendered with `kubectl kustomize deploy/kubernetes`.";

    /// <summary>Renders the base and reads every document; fails the test if either step fails.</summary>
    public static async Task<KubernetesManifests> RenderAsync()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"aspirecache-kustomize-{Guid.NewGuid():N}");
        try
        {
            string deploy = Path.Combine(copy, "deploy", "kubernetes");
            CopyFolder(RepositoryFiles.PathOf("deploy", "kubernetes"), deploy);
            CopyFolder(RepositoryFiles.PathOf("grafana"), Path.Combine(copy, "grafana"));
            File.Copy(Path.Combine(deploy, "secrets.env.example"), Path.Combine(deploy, "secrets.env"), overwrite: true);

            (int exitCode, string output) = await ExternalProcess.RunAsync("kubectl", ["kustomize", deploy], copy, RenderTimeout);
            Assert.True(exitCode == 0, $"kubectl kustomize deploy/kubernetes exited with {exitCode}:\n{output}");

            // strict: a field the Kubernetes API does not have (a typo, a wrong level) fails here, not in a cluster.
            return new KubernetesManifests(KubernetesYaml.LoadAllFromString(output, strict: true));
        }
        finally
        {
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            // A real secrets.env of the developer's stays where it is.
            if (Path.GetFileName(file) == "secrets.env")
            {
                continue;
            }

            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
