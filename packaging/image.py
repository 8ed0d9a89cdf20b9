#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes berth's release image without a daemon: `FROM scratch` with just /berth, as a tarball
that `docker load` (its manifest.json) and OCI tools (its oci-layout and index.json) both read.

    packaging/image.py BINARY ARCH VERSION OUT.tar

The image is tagged berth:VERSION, so a Dockerfile can say `COPY --from=berth:VERSION /berth
/berth`. Every timestamp is SOURCE_DATE_EPOCH (default 0): the same binary gives the same tarball.
"""
import datetime
import hashlib
import io
import json
import os
import sys
import tarfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))


def tar_bytes(entries):
    """A tar of (name, bytes, mode) in the given order, owned by root, dated EPOCH; bytes None
    is a directory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = EPOCH
            info.uname = info.gname = "root"
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def digest(data):
    return hashlib.sha256(data).hexdigest()


def image(binary, arch, version):
    with open(binary, "rb") as f:
        layer = tar_bytes([("berth", f.read(), 0o755)])
    layer_id = digest(layer)
    created = datetime.datetime.fromtimestamp(EPOCH, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    config = json.dumps({
        "architecture": arch,
        "os": "linux",
        "created": created,
        "config": {"Entrypoint": ["/berth"], "Cmd": ["--help"],
                   "Labels": {"org.opencontainers.image.title": "berth",
                              "org.opencontainers.image.version": version}},
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{layer_id}"]},
        "history": [{"created": created, "created_by": "packaging/image.py: /berth"}],
    }, sort_keys=True, separators=(",", ":")).encode()
    config_id = digest(config)
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": f"sha256:{config_id}", "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": f"sha256:{layer_id}", "size": len(layer)}],
    }, sort_keys=True, separators=(",", ":")).encode()
    manifest_id = digest(manifest)
    tag = f"berth:{version}"
    index = json.dumps({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": f"sha256:{manifest_id}", "size": len(manifest),
                       "platform": {"architecture": arch, "os": "linux"},
                       "annotations": {"io.containerd.image.name": f"docker.io/library/{tag}",
                                       "org.opencontainers.image.ref.name": version}}],
    }, sort_keys=True, separators=(",", ":")).encode()
    # docker load's own format: the same blobs, named by their paths.
    docker_manifest = json.dumps([{"Config": f"blobs/sha256/{config_id}", "RepoTags": [tag],
                                   "Layers": [f"blobs/sha256/{layer_id}"]}]).encode()
    return tar_bytes([
        ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}', 0o644),
        ("index.json", index, 0o644),
        ("blobs", None, 0o755),
        ("blobs/sha256", None, 0o755),
        (f"blobs/sha256/{layer_id}", layer, 0o644),
        (f"blobs/sha256/{config_id}", config, 0o644),
        (f"blobs/sha256/{manifest_id}", manifest, 0o644),
        ("manifest.json", docker_manifest, 0o644),
    ])


def main(argv):
    if len(argv) != 5 or argv[2] not in ("amd64", "arm64"):
        sys.exit("usage: packaging/image.py BINARY amd64|arm64 VERSION OUT.tar")
    data = image(argv[1], argv[2], argv[3])
    with open(argv[4] + ".part", "wb") as f:
        f.write(data)
    os.replace(argv[4] + ".part", argv[4])


if __name__ == "__main__":
    main(sys.argv)
