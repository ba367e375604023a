#!/usr/bin/env python3
"""Why truly spurious resends are not called spurious at the sender (docs/verdicts.md,
"Cases not tuned on").

For every `NAME-server.pcap` in DIR with its `NAME-server.groundtruth.tsv`, takes the
sender-side resends the truth labels `retransmission_spurious` that `tcplens analyze`
does not call `spurious_retransmission`, and counts those whose first covering ACK echoes
the resend's own TSval (the receiver's TCP took the resend, not the original: the
original was discarded, e.g. by PAWS). Needs tshark and target/debug/tcplens.

    python3 scripts/sender-spurious-misses.py DIR
"""
import sys,json,subprocess,csv,glob
tot = dict(wrong=0,paws=0,other=0)
for cap in sorted(glob.glob(sys.argv[1]+'/*-server.pcap')):
    if 'span' in cap: continue
    tsv=cap.replace('.pcap','.groundtruth.tsv')
    truth={int(r['frame']):r for r in csv.DictReader(open(tsv),delimiter='\t')}
    rows={}
    for l in subprocess.run(['target/debug/tcplens','analyze','--format','jsonl',cap],capture_output=True,text=True).stdout.splitlines():
        j=json.loads(l); rows[j['frame']]=j
    f=subprocess.run(['tshark','-r',cap,'-T','fields','-e','frame.number','-e','tcp.srcport','-e','tcp.seq','-e','tcp.ack','-e','tcp.len','-e','tcp.options.timestamp.tsval','-e','tcp.options.timestamp.tsecr'],capture_output=True,text=True).stdout
    pk={}
    for l in f.splitlines():
        a=l.split('\t'); pk[int(a[0])]=a
    w=p=o=0
    for fr,t in sorted(truth.items()):
        if t['role']!='sender' or t['label']!='retransmission_spurious': continue
        if rows[fr].get('verdict')=='spurious_retransmission': continue
        w+=1
        a=pk[fr]; sport=a[1]; end=int(a[2])+int(a[4]); tsv_=a[5]
        # first later ack from the peer covering end
        acc=None
        for n in range(fr+1,max(pk)+1):
            b=pk.get(n)
            if b and b[1]!=sport and b[3] and int(b[3])>=end: acc=b; break
        if acc and tsv_ and acc[6]==tsv_: p+=1
        else: o+=1
    print(cap.split('/')[-1], 'sender spurious not called spurious:', w, 'covering ACK echoes the resend itself:', p, 'other:', o)
    tot['wrong']+=w; tot['paws']+=p; tot['other']+=o
print(tot)
