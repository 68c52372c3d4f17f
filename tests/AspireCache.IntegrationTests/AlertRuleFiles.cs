using YamlDotNet.RepresentationModel;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The alerting rules of <c>prometheus/alerts.yml</c> and the promtool unit tests of <c>prometheus/alerts.test.yml</c>,
/// read as YAML: what the files declare, not how Prometheus evaluates it (promtool does that).
/// </summary>
internal static class AlertRuleFiles
{
    public static string Rules { get; } = RepositoryFiles.PathOf("prometheus", "alerts.yml");

    public static string Tests { get; } = RepositoryFiles.PathOf("prometheus", "alerts.test.yml");

    /// <summary>Every alerting rule (recording rules left out), in file order.</summary>
    public static IReadOnlyList<AlertRule> Alerts()
    {
        var alerts = new List<AlertRule>();
        foreach (YamlMappingNode group in Sequence(Load(Rules), "groups"))
        {
            foreach (YamlMappingNode rule in Sequence(group, "rules"))
            {
                if (Child(rule, "alert") is YamlScalarNode name)
                {
                    Dictionary<string, string> annotations = Child(rule, "annotations") is YamlMappingNode map
                        ? map.Children.ToDictionary(a => ((YamlScalarNode)a.Key).Value!, a => ((YamlScalarNode)a.Value).Value ?? string.Empty, StringComparer.Ordinal)
                        : [];
                    alerts.Add(new AlertRule(name.Value!, ((YamlScalarNode)Child(rule, "expr")!).Value!, annotations));
                }
            }
        }

        return alerts;
    }

    /// <summary>Every <c>alert_rule_test</c> case of the unit tests, with the test it belongs to.</summary>
    public static IReadOnlyList<AlertTestCase> Cases()
    {
        var cases = new List<AlertTestCase>();
        foreach (YamlMappingNode test in Sequence(Load(Tests), "tests"))
        {
            string testName = (Child(test, "name") as YamlScalarNode)?.Value ?? "(unnamed)";
            foreach (YamlMappingNode testCase in Sequence(test, "alert_rule_test"))
            {
                // promtool reads a case without exp_alerts as "no alert of that name fires at eval_time".
                bool fires = Child(testCase, "exp_alerts") is YamlSequenceNode { Children.Count: > 0 };
                cases.Add(new AlertTestCase(((YamlScalarNode)Child(testCase, "alertname")!).Value!, testName, fires));
            }
        }

        return cases;
    }

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            yaml.Load(reader);
        }

        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var name } && name == key).Value;

    private static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode map, string key) =>
        Child(map, key) is YamlSequenceNode items ? items.Children.Cast<YamlMappingNode>() : [];
}

/// <summary>An alerting rule: its name, its PromQL expression and its annotations.</summary>
internal sealed record AlertRule(string Name, string Expression, IReadOnlyDictionary<string, string> Annotations);

/// <summary>One case of a promtool unit test: the alert it is about, the test's name, and whether it expects the alert to fire.</summary>
internal sealed record AlertTestCase(string AlertName, string TestName, bool Fires);
