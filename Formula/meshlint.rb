# Homebrew formula for MeshLint, built from source (Swift, libyaml, RE2).
#
#   brew tap meshlint/meshlint https://github.com/meshlint/meshlint
#   brew install --HEAD meshlint          # this repository's main branch
#
# Each release attaches a formula for its own source archive (url, sha256, version), written by
# scripts/release/render-formula from this one: `brew install ./meshlint.rb` installs the release.
class Meshlint < Formula
  desc "Static linter and posture scanner for Istio ambient mesh manifests"
  homepage "https://github.com/meshlint/meshlint"
  head "https://github.com/meshlint/meshlint.git", branch: "main"

  depends_on "pkgconf" => :build
  depends_on xcode: ["16.0", :build] if OS.mac?
  depends_on "libyaml"
  depends_on "re2"

  uses_from_macos "swift" => :build

  def install
    system "swift", "build", "--disable-sandbox", "--configuration", "release", "--product", "meshlint"
    bin.install ".build/release/meshlint"
  end

  test do
    (testpath/"ns.yaml").write <<~YAML
      apiVersion: v1
      kind: Namespace
      metadata:
        name: payments
        labels:
          istio.io/dataplane-mode: ambient
    YAML
    output = shell_output("#{bin}/meshlint scan #{testpath}/ns.yaml", 1)
    assert_match "ambient-namespace-without-default-deny", output
  end
end
