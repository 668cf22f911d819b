"""Payload builders for seeding the emulator's estate: one REST-shaped asset each.

Each builder adds one asset whose ``resource.data`` follows the resource's REST representation
(Compute Engine v1, Cloud SQL Admin v1, Cloud Storage JSON v1, Cloud Logging v2, Cloud Monitoring
v3, IAM v1 …) as Cloud Asset Inventory returns it, and returns the asset's full name (or the
resource's self link where other resources refer to it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from providers.gcp.emulator.estate import Estate

COMPUTE = "https://www.googleapis.com/compute/v1"
CREATED = "2025-06-01T09:00:00.000-07:00"


def stable_id(*parts: str, digits: int = 19) -> str:
    """A numeric ID derived from a name, the same in every run (Compute IDs are uint64 strings)."""
    digest = int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:8], "big")
    return str(10 ** (digits - 1) + digest % (9 * 10 ** (digits - 1)))


def link(project: str, *parts: str) -> str:
    return f"{COMPUTE}/projects/{project}/" + "/".join(parts)


def _region(zone: str) -> str:
    return zone.rsplit("-", 1)[0]


def _compute(estate: Estate, project: str, kind: str, path: str, data: dict[str, Any], location: str) -> str:
    self_link = link(project, path)
    estate.add_resource(project, f"compute.googleapis.com/{kind}", f"projects/{project}/{path}",
                        {"kind": f"compute#{kind[0].lower()}{kind[1:]}", "id": stable_id(self_link),
                         "creationTimestamp": CREATED, "selfLink": self_link, **data}, location)
    return self_link


# ---------------------------------------------------------------------- storage, data


def bucket(estate: Estate, project: str, name: str, location: str = "ASIA-NORTHEAST1", location_type: str = "region",
           kms_key: str = "", data_locations: Sequence[str] = ()) -> str:
    data: dict[str, Any] = {
        "kind": "storage#bucket", "id": name, "name": name, "projectNumber": estate.number_of(project),
        "location": location, "locationType": location_type, "storageClass": "STANDARD",
        "timeCreated": "2025-06-01T00:00:00.000Z",
        "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}, "publicAccessPrevention": "enforced"},
    }
    if kms_key:
        data["encryption"] = {"defaultKmsKeyName": kms_key}
    if data_locations:
        data["customPlacementConfig"] = {"dataLocations": list(data_locations)}
    return estate.add_resource(project, "storage.googleapis.com/Bucket", name, data, location.lower())


def dataset(estate: Estate, project: str, dataset_id: str, location: str = "asia-northeast1", kms_key: str = "") -> str:
    data: dict[str, Any] = {
        "kind": "bigquery#dataset", "id": f"{project}:{dataset_id}", "location": location,
        "datasetReference": {"datasetId": dataset_id, "projectId": project},
    }
    if kms_key:
        data["defaultEncryptionConfiguration"] = {"kmsKeyName": kms_key}
    return estate.add_resource(project, "bigquery.googleapis.com/Dataset", f"projects/{project}/datasets/{dataset_id}",
                               data, location.lower())


def sql_instance(estate: Estate, project: str, name: str, region: str = "asia-northeast1",
                 availability: str = "REGIONAL", backups: bool = True, backup_location: str = "asia-northeast1",
                 ssl_mode: str = "ENCRYPTED_ONLY", kms_key: str = "", replica: bool = False) -> str:
    backup: dict[str, Any] = {"enabled": backups, "startTime": "18:00", "pointInTimeRecoveryEnabled": backups,
                              "transactionLogRetentionDays": 7,
                              "backupRetentionSettings": {"retainedBackups": 7, "retentionUnit": "COUNT"}}
    if backup_location:
        backup["location"] = backup_location
    data: dict[str, Any] = {
        "kind": "sql#instance", "name": name, "project": project, "region": region,
        "databaseVersion": "POSTGRES_15", "state": "RUNNABLE", "backendType": "SECOND_GEN",
        "instanceType": "READ_REPLICA_INSTANCE" if replica else "CLOUD_SQL_INSTANCE",
        "gceZone": f"{region}-a", "connectionName": f"{project}:{region}:{name}",
        "selfLink": f"https://sqladmin.googleapis.com/v1/projects/{project}/instances/{name}",
        "settings": {
            "kind": "sql#settings", "tier": "db-custom-2-7680", "availabilityType": availability,
            "dataDiskType": "PD_SSD", "dataDiskSizeGb": "100", "backupConfiguration": backup,
            "ipConfiguration": {"ipv4Enabled": False, "privateNetwork": f"projects/{project}/global/networks/default",
                                "sslMode": ssl_mode,
                                "requireSsl": ssl_mode == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"},
        },
    }
    if availability == "REGIONAL":
        data["secondaryGceZone"] = f"{region}-b"
    if kms_key:
        data["diskEncryptionConfiguration"] = {"kmsKeyName": kms_key, "kind": "sql#diskEncryptionConfiguration"}
    return estate.add_resource(project, "sqladmin.googleapis.com/Instance", f"projects/{project}/instances/{name}",
                               data, region, service="cloudsql.googleapis.com")


def log_bucket(estate: Estate, parent: str, bucket_id: str, location: str = "global", retention_days: int = 30,
               locked: bool = False) -> str:
    path = f"{parent if '/' in parent else 'projects/' + parent}/locations/{location}/buckets/{bucket_id}"
    data: dict[str, Any] = {"name": path, "retentionDays": retention_days, "lifecycleState": "ACTIVE",
                            "createTime": "2024-04-01T00:00:00Z", "updateTime": "2024-04-01T00:00:00Z"}
    if locked:
        data["locked"] = True
    return estate.add_resource(parent, "logging.googleapis.com/LogBucket", path, data, location)


def default_log_buckets(estate: Estate, project: str, location: str = "global", default_retention: int = 30) -> None:
    log_bucket(estate, project, "_Required", location, 400, locked=True)
    log_bucket(estate, project, "_Default", location, default_retention)


# ---------------------------------------------------------------------- compute


def instance(estate: Estate, project: str, zone: str, name: str, *, image_project: str = "debian-cloud",
             license_name: str = "debian-12-bookworm", status: str = "RUNNING", labels: Mapping[str, str] | None = None,
             created_by: str = "") -> tuple[str, str]:
    """Returns the self link and the numeric instance ID (what vulnerability reports are keyed by)."""
    instance_id = stable_id(project, zone, name)
    metadata_items = [{"key": "created-by", "value": created_by}] if created_by else []
    data = {
        "id": instance_id, "name": name, "zone": link(project, "zones", zone), "status": status,
        "machineType": link(project, "zones", zone, "machineTypes", "e2-standard-2"),
        "disks": [{"boot": True, "autoDelete": True, "deviceName": name, "type": "PERSISTENT", "mode": "READ_WRITE",
                   "interface": "SCSI", "source": link(project, "zones", zone, "disks", name),
                   "licenses": [f"{COMPUTE}/projects/{image_project}/global/licenses/{license_name}"]}],
        "networkInterfaces": [{"network": link(project, "global", "networks", "default"), "networkIP": "10.146.0.2",
                               "subnetwork": link(project, "regions", _region(zone), "subnetworks", "default")}],
        "metadata": {"kind": "compute#metadata", "items": metadata_items},
        "serviceAccounts": [{"email": f"app@{project}.iam.gserviceaccount.com",
                             "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
        "labels": dict(labels or {}),
    }
    self_link = link(project, "zones", zone, "instances", name)
    estate.add_resource(project, "compute.googleapis.com/Instance", f"projects/{project}/zones/{zone}/instances/{name}",
                        {"kind": "compute#instance", "creationTimestamp": CREATED, "selfLink": self_link, **data}, zone)
    return self_link, instance_id


def disk(estate: Estate, project: str, zone: str, name: str, *, kms_key: str = "", csek: bool = False,
         resource_policies: Iterable[str] = (), users: Iterable[str] = (), region: str = "",
         replica_zones: Sequence[str] = ()) -> str:
    data: dict[str, Any] = {"name": name, "sizeGb": "20", "status": "READY", "users": list(users),
                            "resourcePolicies": list(resource_policies),
                            "sourceImage": f"{COMPUTE}/projects/debian-cloud/global/images/debian-12-v20250101"}
    if kms_key:
        data["diskEncryptionKey"] = {"kmsKeyName": kms_key}
    elif csek:
        data["diskEncryptionKey"] = {"sha256": "w0b1gQCdUkR+p2c9X0Ut0bvc6w1rGcGhW9SGwyBsHjQ="}
    if region:
        data.update(region=link(project, "regions", region),
                    replicaZones=[link(project, "zones", z) for z in replica_zones],
                    type=link(project, "regions", region, "diskTypes", "pd-balanced"))
        return _compute(estate, project, "RegionDisk", f"regions/{region}/disks/{name}", data, region)
    data.update(zone=link(project, "zones", zone), type=link(project, "zones", zone, "diskTypes", "pd-balanced"))
    return _compute(estate, project, "Disk", f"zones/{zone}/disks/{name}", data, zone)


def snapshot_schedule(estate: Estate, project: str, region: str, name: str, retention_days: int = 14,
                      storage_locations: Sequence[str] = ("asia-northeast1",)) -> str:
    data = {"name": name, "region": link(project, "regions", region), "status": "READY",
            "snapshotSchedulePolicy": {
                "schedule": {"dailySchedule": {"daysInCycle": 1, "startTime": "18:00", "duration": "PT14400S"}},
                "retentionPolicy": {"maxRetentionDays": retention_days, "onSourceDiskDelete": "KEEP_AUTO_SNAPSHOTS"},
                "snapshotProperties": {"storageLocations": list(storage_locations)}}}
    return _compute(estate, project, "ResourcePolicy", f"regions/{region}/resourcePolicies/{name}", data, region)


def snapshot(estate: Estate, project: str, name: str, storage_locations: Sequence[str] = ("asia-northeast1",),
             kms_key: str = "") -> str:
    data: dict[str, Any] = {"name": name, "status": "READY", "storageLocations": list(storage_locations),
                            "diskSizeGb": "20", "sourceDisk": link(project, "zones", "asia-northeast1-a", "disks", "x")}
    if kms_key:
        data["snapshotEncryptionKey"] = {"kmsKeyName": kms_key}
    return _compute(estate, project, "Snapshot", f"global/snapshots/{name}", data, "global")


def image(estate: Estate, project: str, name: str, storage_locations: Sequence[str] = ("asia-northeast1",)) -> str:
    data = {"name": name, "status": "READY", "storageLocations": list(storage_locations), "diskSizeGb": "10"}
    return _compute(estate, project, "Image", f"global/images/{name}", data, "global")


def firewall(estate: Estate, project: str, name: str, source_ranges: Sequence[str], allowed: Sequence[Mapping],
             *, direction: str = "INGRESS", disabled: bool = False, denied: Sequence[Mapping] = ()) -> str:
    data: dict[str, Any] = {"name": name, "network": link(project, "global", "networks", "default"), "priority": 1000,
                            "direction": direction, "sourceRanges": list(source_ranges), "disabled": disabled,
                            "logConfig": {"enable": False}}
    if allowed:
        data["allowed"] = [dict(a) for a in allowed]
    if denied:
        data["denied"] = [dict(d) for d in denied]
    return _compute(estate, project, "Firewall", f"global/firewalls/{name}", data, "global")


def ssl_policy(estate: Estate, project: str, name: str, min_tls: str = "TLS_1_2", profile: str = "MODERN") -> str:
    data = {"name": name, "profile": profile, "minTlsVersion": min_tls, "fingerprint": "abc="}
    return _compute(estate, project, "SslPolicy", f"global/sslPolicies/{name}", data, "global")


def url_map(estate: Estate, project: str, name: str, https_redirect: bool = False, default_service: str = "") -> str:
    data: dict[str, Any] = {"name": name}
    if https_redirect:
        data["defaultUrlRedirect"] = {"httpsRedirect": True, "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT",
                                      "stripQuery": False}
    else:
        data["defaultService"] = default_service or link(project, "global", "backendServices", "web")
    return _compute(estate, project, "UrlMap", f"global/urlMaps/{name}", data, "global")


def target_http_proxy(estate: Estate, project: str, name: str, url_map_link: str) -> str:
    return _compute(estate, project, "TargetHttpProxy", f"global/targetHttpProxies/{name}",
                    {"name": name, "urlMap": url_map_link}, "global")


def target_https_proxy(estate: Estate, project: str, name: str, url_map_link: str, ssl_policy_link: str = "") -> str:
    data: dict[str, Any] = {"name": name, "urlMap": url_map_link, "quicOverride": "NONE",
                            "sslCertificates": [link(project, "global", "sslCertificates", "www")]}
    if ssl_policy_link:
        data["sslPolicy"] = ssl_policy_link
    return _compute(estate, project, "TargetHttpsProxy", f"global/targetHttpsProxies/{name}", data, "global")


def forwarding_rule(estate: Estate, project: str, name: str, target: str, *, region: str = "",
                    scheme: str = "EXTERNAL_MANAGED", port_range: str = "80-80") -> str:
    data: dict[str, Any] = {"name": name, "IPAddress": "203.0.113.10", "IPProtocol": "TCP", "portRange": port_range,
                            "target": target, "loadBalancingScheme": scheme, "networkTier": "PREMIUM"}
    if region:
        data["region"] = link(project, "regions", region)
        return _compute(estate, project, "ForwardingRule", f"regions/{region}/forwardingRules/{name}", data, region)
    return _compute(estate, project, "GlobalForwardingRule", f"global/forwardingRules/{name}", data, "global")


def security_policy(estate: Estate, project: str, name: str, waf: bool = True) -> str:
    rules: list[dict[str, Any]] = [{"priority": 2147483647, "action": "allow", "preview": False,
                                    "match": {"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["*"]}}}]
    if waf:
        rules.insert(0, {"priority": 1000, "action": "deny(403)", "preview": False,
                         "match": {"expr": {"expression": "evaluatePreconfiguredWaf('sqli-v33-stable')"}}})
    else:
        rules.insert(0, {"priority": 1000, "action": "deny(403)", "preview": False,
                         "match": {"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["198.51.100.0/24"]}}})
    return _compute(estate, project, "SecurityPolicy", f"global/securityPolicies/{name}",
                    {"name": name, "type": "CLOUD_ARMOR", "rules": rules}, "global")


def backend_service(estate: Estate, project: str, name: str, *, scheme: str = "EXTERNAL_MANAGED",
                    security_policy_link: str = "", protocol: str = "HTTPS") -> str:
    data: dict[str, Any] = {"name": name, "loadBalancingScheme": scheme, "protocol": protocol, "port": 443,
                            "timeoutSec": 30, "backends": []}
    if security_policy_link:
        data["securityPolicy"] = security_policy_link
    return _compute(estate, project, "BackendService", f"global/backendServices/{name}", data, "global")


def instance_group_manager(estate: Estate, project: str, name: str, *, zone: str = "", region: str = "",
                           zones: Sequence[str] = ()) -> str:
    data: dict[str, Any] = {"name": name, "targetSize": 2, "baseInstanceName": name,
                            "instanceTemplate": link(project, "global", "instanceTemplates", f"{name}-tmpl")}
    if region:
        data.update(region=link(project, "regions", region),
                    distributionPolicy={"zones": [{"zone": link(project, "zones", z)} for z in zones],
                                        "targetShape": "EVEN"})
        return _compute(estate, project, "RegionInstanceGroupManager",
                        f"regions/{region}/instanceGroupManagers/{name}", data, region)
    data["zone"] = link(project, "zones", zone)
    return _compute(estate, project, "InstanceGroupManager", f"zones/{zone}/instanceGroupManagers/{name}", data, zone)


# ---------------------------------------------------------------------- other services


def gke_cluster(estate: Estate, project: str, name: str, location: str, node_zones: Sequence[str]) -> str:
    data = {"name": name, "location": location, "locations": list(node_zones), "status": "RUNNING",
            "currentMasterVersion": "1.30.5-gke.1014001"}
    return estate.add_resource(project, "container.googleapis.com/Cluster",
                               f"projects/{project}/locations/{location}/clusters/{name}", data, location)


def located(estate: Estate, project: str, asset_type: str, path: str, location: str,
            data: Mapping[str, Any] | None = None) -> str:
    """Any resource whose residency is its own location (Cloud Run, KMS key ring, Filestore …)."""
    return estate.add_resource(project, asset_type, path, {"name": path, **(data or {})}, location)


def secret(estate: Estate, project: str, name: str, replicas: Sequence[str] = ()) -> str:
    replication = ({"userManaged": {"replicas": [{"location": r} for r in replicas]}} if replicas
                   else {"automatic": {}})
    path = f"projects/{estate.number_of(project)}/secrets/{name}"
    return estate.add_resource(project, "secretmanager.googleapis.com/Secret", path,
                               {"name": path, "replication": replication, "createTime": "2025-01-01T00:00:00Z"},
                               replicas[0] if len(replicas) == 1 else "global")


def service_account_key(estate: Estate, project: str, account: str, key_id: str, valid_after: str, *,
                        key_type: str = "USER_MANAGED", disabled: bool = False) -> str:
    path = f"projects/{project}/serviceAccounts/{account}/keys/{key_id}"
    data: dict[str, Any] = {"name": path, "validAfterTime": valid_after, "validBeforeTime": "9999-12-31T23:59:59Z",
                            "keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": key_type}
    if disabled:
        data["disabled"] = True
    return estate.add_resource(project, "iam.googleapis.com/ServiceAccountKey", path, data, "global")


def notification_channel(estate: Estate, project: str, channel_id: str, kind: str = "email",
                         enabled: bool = True) -> str:
    path = f"projects/{project}/notificationChannels/{channel_id}"
    data = {"name": path, "type": kind, "displayName": f"{kind} {channel_id}", "enabled": enabled,
            "labels": {"email_address": "soc@example.jp"} if kind == "email" else {},
            "verificationStatus": "VERIFIED" if kind == "email" else "VERIFICATION_STATUS_UNSPECIFIED"}
    estate.add_resource(project, "monitoring.googleapis.com/NotificationChannel", path, data, "global")
    return path


def alert_policy(estate: Estate, project: str, policy_id: str, display_name: str, channels: Sequence[str] = (),
                 enabled: bool = True) -> str:
    path = f"projects/{project}/alertPolicies/{policy_id}"
    data = {"name": path, "displayName": display_name, "enabled": enabled, "combiner": "OR",
            "notificationChannels": list(channels),
            "conditions": [{"displayName": "CPU > 90%", "name": f"{path}/conditions/1",
                            "conditionThreshold": {"filter": 'metric.type="compute.googleapis.com/instance/cpu/'
                                                             'utilization" resource.type="gce_instance"',
                                                   "comparison": "COMPARISON_GT", "thresholdValue": 0.9,
                                                   "duration": "300s"}}]}
    return estate.add_resource(project, "monitoring.googleapis.com/AlertPolicy", path, data, "global")
