package evidence

// readme is member README.txt: what the bundle is and how to check it,
// for whoever opens the archive.
func readme() []byte {
	return []byte(`aidledger 审计证据包 / aidledger evidence bundle
================================================

本文件是一份年度总结(年度总结)的审计证据:账本中从该援助方第一条事件起、
到总结计算时所在位置为止的全部事件(哈希链的一段),以及由这些事件计算出的
年度总结。无需联网、无需数据库即可核验:

    aidledger verify --bundle 本文件

核验内容:
  1. 封签:压缩包注释末尾的 SHA-256 覆盖其前的每一个字节,任何改动都会被发现;
  2. 清单:manifest.json 列出每个文件的字节数与 SHA-256;
  3. 哈希链:events.jsonl 每行一条事件,hash = SHA-256(prev_hash ‖ 位置(8 字节大端) ‖ event 原样字节),
     首条链接到锚点(anchor_hash,即首条之前位置的哈希),末条即链头(head_hash);
  4. 总结:仅由包内事件重新计算年度总结,须与 report.json、report.zh.txt、
     report.en.txt、report.xlsx 逐字节一致。
请将 manifest.json 中的 head_hash 与账本公布的链头哈希(年度总结的"来源"一栏)核对。

This file is the evidence behind one year-end summary: every event of the
ledger from the donor's first event to the position the summary was
computed at (a segment of the hash chain), and the summary computed from
them. It can be checked with no network and no database:

    aidledger verify --bundle THIS-FILE

What is checked:
  1. the seal: the SHA-256 at the end of the ZIP comment covers every byte
     before it, so any change to the file is found;
  2. the manifest: manifest.json lists every member's size and SHA-256;
  3. the hash chain: events.jsonl holds one event a line, with
     hash = SHA-256(prev_hash || position as 8 bytes big-endian || the event's bytes verbatim);
     the first links to the anchor (anchor_hash, the hash at the position
     before it), the last is the head (head_hash);
  4. the summary: recomputed from the bundled events alone, it must equal
     report.json, report.zh.txt, report.en.txt and report.xlsx byte for byte.
Compare head_hash in manifest.json with the chain hash the ledger published
(the provenance of the summary).
`)
}
