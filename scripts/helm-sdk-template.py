"""A `helm template` for tests, on Helm's own engine.

MeshLint runs the user's `helm`. The development and CI machines have no Helm binary, but PyPI's
`helm-python-sdk` carries Helm v4's engine as a library. This program takes the arguments MeshLint
passes (`template NAME CHART --namespace NS --skip-tests --values FILE ...`) and prints what
`helm template` prints: Helm's own install action, run as a client-side dry run, assembles the
release manifest (`---` and `# Source: CHART/templates/FILE` before each document, sorted in
install order), and this program writes it as helm's template command does (trimmed, then a
newline). Hooks are not part of that manifest and are left out; MeshLint passes --skip-tests.

Tests/MeshLintTests/Fixtures/helm/ holds a release rendered by this program beside Helm's own
manifest format rules, so a change in either is seen.
"""

import argparse
import json
import sys


def merge(base, override):
    """Helm's merge of values files given in order: maps deep, anything else replaced."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def main(argv):
    parser = argparse.ArgumentParser(prog="helm")
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser("template")
    template.add_argument("name")
    template.add_argument("chart")
    template.add_argument("--namespace", "-n", default="default")
    template.add_argument("--values", "-f", action="append", default=[])
    template.add_argument("--skip-tests", action="store_true")
    arguments = parser.parse_args(argv)

    import helm_python as helm

    values = {}
    for path in arguments.values:
        with open(path, encoding="utf-8") as handle:
            values = merge(values, helm.values_from_yaml(handle.read()))
    # An empty kubeconfig: the dry run is client-side and contacts no cluster.
    config = helm.Config(
        storage_driver="memory",
        namespace=arguments.namespace,
        kubeconfig_content="apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    )
    try:
        release = config.install(
            arguments.chart, arguments.name, values, dry_run="client", namespace=arguments.namespace
        )
    except helm.HelmError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(release["manifest"].strip() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
