/** The cluster's CA certificate (a stand-in, PEM-shaped): in every pod's service account mount and in each namespace's kube-root-ca.crt. */
export const CLUSTER_CA_CERT =
  '-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIPodiumCAMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNVBAMT\nCmt1YmVybmV0ZXMwHhcNMjUwMTAxMDkwMDAwWhcNMzUwMTAxMDkwMDAwWjAVMRMw\n-----END CERTIFICATE-----\n';
