"""Prints COUNT KafkaTopics (1 partition, 3 replicas) of the seed cluster named PREFIX-00000 on: the
file both bench/topics scripts apply.   python3 bench/topics/manifests.py COUNT [PREFIX]"""
import sys

count = int(sys.argv[1])
prefix = sys.argv[2] if len(sys.argv) > 2 else "bench"
for i in range(count):
    print(f"""apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: {prefix}-{i:05d}
  labels:
    strimzi.io/cluster: cluster
spec:
  partitions: 1
  replicas: 3
---""")
