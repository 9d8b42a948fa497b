variable "region" {
  description = "AWS region to build in (install.sh takes it from AWS_REGION or asks)."
  type        = string
}

variable "name" {
  description = "Name of the EKS cluster and prefix of everything this stack creates."
  type        = string
  default     = "keks"
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.34"
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; three private and three public subnets are cut from it."
  type        = string
  default     = "10.8.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (survives a zone failure)."
  type        = bool
  default     = false
}

variable "core_node_instance_types" {
  description = "Instance types of the managed node group that runs the core services (operator, Karpenter, monitoring)."
  type        = list(string)
  default     = ["m6i.large", "m5.large"]
}

variable "core_node_count" {
  description = "Nodes in the core managed node group (min = desired; max is twice this)."
  type        = number
  default     = 3
}

variable "core_node_ami_type" {
  description = "EKS AMI type of the core node group; must match the architecture of core_node_instance_types (AL2023_ARM_64_STANDARD for Graviton)."
  type        = string
  default     = "AL2023_x86_64_STANDARD"
}

variable "core_node_disk_gib" {
  description = "Root volume of each core node in GiB (gp3, encrypted): container images and logs of the operator, Karpenter and the monitoring stack."
  type        = number
  default     = 100
}

variable "prometheus_retention" {
  description = "How long Prometheus keeps its samples."
  type        = string
  default     = "15d"
}

variable "prometheus_storage_size" {
  description = "Size of Prometheus' gp3 claim; 50Gi holds 15 days of a few hundred Kafka pods' series."
  type        = string
  default     = "50Gi"
}

variable "enable_amazon_prometheus" {
  description = "Also write every sample to an Amazon Managed Service for Prometheus workspace (made here) and add it to Grafana as a data source."
  type        = bool
  default     = false
}

variable "kafka_instance_categories" {
  description = "EC2 instance categories Karpenter may choose for Kafka nodes (c, m, r as in the blueprint)."
  type        = list(string)
  default     = ["c", "m", "r"]
}

variable "kafka_architectures" {
  description = "CPU architectures for Kafka nodes; the apache/kafka image runs on both."
  type        = list(string)
  default     = ["arm64", "amd64"]
}

variable "kafka_cpu_limit" {
  description = "Most vCPUs Karpenter may start for the kafka NodePool in total."
  type        = number
  default     = 200
}

variable "gp3_iops" {
  description = "Provisioned IOPS of each gp3 volume (3,000 are included in the gp3 price; at most 16,000)."
  type        = number
  default     = 3000

  validation {
    condition     = var.gp3_iops >= 3000 && var.gp3_iops <= 16000
    error_message = "gp3_iops must be between 3000 and 16000."
  }
}

variable "gp3_throughput" {
  description = "Provisioned throughput of each gp3 volume in MiB/s (125 included; at most 1,000)."
  type        = number
  default     = 125

  validation {
    condition     = var.gp3_throughput >= 125 && var.gp3_throughput <= 1000
    error_message = "gp3_throughput must be between 125 and 1000 MiB/s."
  }
}

variable "io2_iops_per_gb" {
  description = "IOPS per GiB of io2 volumes (at most 500)."
  type        = number
  default     = 50
}

variable "keks_operator_image" {
  description = "Repository of the keks operator image, built from operator/Dockerfile and pushed where the cluster can pull it, e.g. an ECR repository (docs/kubernetes.md); install.sh takes it from KEKS_OPERATOR_IMAGE."
  type        = string
}

variable "keks_operator_tag" {
  description = "Tag of the keks operator image; empty means the chart's appVersion."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
