// Command peres checks a Windows .exe for the resources a desktop release
// needs: an icon (RT_GROUP_ICON + RT_ICON), a version resource (RT_VERSION)
// and, optionally, a manifest (RT_MANIFEST). It prints what it found and exits
// 1 when something required is missing. It reads the PE resource directory
// with debug/pe, so it runs on Linux without Wine.
//
//	go run ./scripts/peres dist/servicedesk.exe
package main

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode/utf16"
)

// Resource type IDs (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

func main() {
	needManifest := flag.Bool("manifest", true, "require an RT_MANIFEST resource")
	imports := flag.Bool("imports", false, "only print the imported DLLs, one a line")
	console := flag.Bool("console", false, "require the console subsystem (servicedesk-cli.exe) instead of GUI")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: peres [-manifest=false] [-console] [-imports] FILE.exe")
		os.Exit(2)
	}
	if *imports {
		if err := printImports(flag.Arg(0)); err != nil {
			fmt.Fprintln(os.Stderr, "peres:", err)
			os.Exit(1)
		}
		return
	}
	rep, err := inspect(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "peres:", err)
		os.Exit(1)
	}
	fmt.Print(rep.String())
	if probs := rep.problems(*needManifest, *console); len(probs) > 0 {
		for _, p := range probs {
			fmt.Fprintln(os.Stderr, "peres: FAIL:", p)
		}
		os.Exit(1)
	}
	fmt.Println("peres: icon, version and manifest resources OK")
}

// printImports lists the DLLs in the import directory. objdump misreads the
// import table of binaries from Go's internal linker; debug/pe does not.
func printImports(path string) error {
	f, err := pe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// ImportedLibraries is unimplemented for PE; symbols come as "Func:DLL".
	syms, err := f.ImportedSymbols()
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range syms {
		if i := strings.LastIndexByte(s, ':'); i >= 0 && !seen[strings.ToLower(s[i+1:])] {
			seen[strings.ToLower(s[i+1:])] = true
			fmt.Println(s[i+1:])
		}
	}
	return nil
}

// report is what inspect found.
type report struct {
	Types      map[uint32]int    // resource type ID -> number of leaves
	IconSizes  []string          // from the first RT_GROUP_ICON
	FixedVer   string            // VS_FIXEDFILEINFO file version a.b.c.d
	Strings    map[string]string // StringFileInfo key -> value
	Manifest   string            // RT_MANIFEST text
	GUI        bool              // subsystem is Windows GUI
	Subsystem  uint16
	Machine    uint16
	Is64       bool
	rawVersion []byte
}

func (r *report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "machine 0x%x, PE32+ %v, subsystem %d (GUI %v)\n", r.Machine, r.Is64, r.Subsystem, r.GUI)
	var ids []int
	for id := range r.Types {
		ids = append(ids, int(id))
	}
	sort.Ints(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "resource type %-3d %-14s %d\n", id, typeName(uint32(id)), r.Types[uint32(id)])
	}
	if len(r.IconSizes) > 0 {
		fmt.Fprintf(&b, "icon sizes: %s\n", strings.Join(r.IconSizes, " "))
	}
	if r.FixedVer != "" {
		fmt.Fprintf(&b, "file version: %s\n", r.FixedVer)
	}
	var keys []string
	for k := range r.Strings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, r.Strings[k])
	}
	return b.String()
}

func (r *report) problems(needManifest, console bool) []string {
	var p []string
	if !r.Is64 || r.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		p = append(p, "not a PE32+ x86-64 image")
	}
	switch {
	case console && r.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI:
		p = append(p, "subsystem is not the Windows console (build without -H=windowsgui)")
	case !console && !r.GUI:
		p = append(p, "subsystem is not Windows GUI (build with -ldflags -H=windowsgui)")
	}
	if r.Types[rtGroupIcon] == 0 || r.Types[rtIcon] == 0 {
		p = append(p, "no icon (RT_GROUP_ICON/RT_ICON)")
	}
	if r.Types[rtVersion] == 0 {
		p = append(p, "no version resource (RT_VERSION)")
	} else if r.Strings["ProductVersion"] == "" || r.FixedVer == "" {
		p = append(p, "version resource has no ProductVersion or VS_FIXEDFILEINFO")
	}
	if needManifest && r.Types[rtManifest] == 0 {
		p = append(p, "no manifest (RT_MANIFEST)")
	}
	return p
}

func typeName(id uint32) string {
	switch id {
	case rtIcon:
		return "RT_ICON"
	case rtGroupIcon:
		return "RT_GROUP_ICON"
	case rtVersion:
		return "RT_VERSION"
	case rtManifest:
		return "RT_MANIFEST"
	}
	return ""
}

func inspect(path string) (*report, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &report{Types: map[uint32]int{}, Strings: map[string]string{}, Machine: f.Machine}
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		r.Is64 = true
		r.Subsystem = oh.Subsystem
	case *pe.OptionalHeader32:
		r.Subsystem = oh.Subsystem
	}
	r.GUI = r.Subsystem == pe.IMAGE_SUBSYSTEM_WINDOWS_GUI
	sec := f.Section(".rsrc")
	if sec == nil {
		return r, nil // problems() reports the missing resources
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf(".rsrc: %w", err)
	}
	if err := r.parse(data, sec.VirtualAddress); err != nil {
		return nil, fmt.Errorf(".rsrc: %w", err)
	}
	return r, nil
}

// parse walks the three-level resource tree (type / name / language) of a
// .rsrc section whose first byte sits at virtual address va.
func (r *report) parse(data []byte, va uint32) error {
	leaves := map[uint32][][]byte{}
	types, err := dirEntries(data, 0)
	if err != nil {
		return err
	}
	for _, t := range types {
		if !t.isDir {
			continue
		}
		names, err := dirEntries(data, t.off)
		if err != nil {
			return err
		}
		for _, n := range names {
			langs := []entry{n}
			if n.isDir {
				if langs, err = dirEntries(data, n.off); err != nil {
					return err
				}
			}
			for _, l := range langs {
				if l.isDir || int(l.off)+16 > len(data) {
					return errors.New("bad data entry")
				}
				rva := binary.LittleEndian.Uint32(data[l.off:])
				size := binary.LittleEndian.Uint32(data[l.off+4:])
				if rva < va || uint64(rva-va)+uint64(size) > uint64(len(data)) {
					return fmt.Errorf("resource data at RVA 0x%x+%d outside .rsrc", rva, size)
				}
				if t.named {
					continue
				}
				leaves[t.id] = append(leaves[t.id], data[rva-va:rva-va+size])
			}
		}
	}
	for id, l := range leaves {
		r.Types[id] = len(l)
	}
	if g := leaves[rtGroupIcon]; len(g) > 0 {
		r.IconSizes = groupIconSizes(g[0])
	}
	if v := leaves[rtVersion]; len(v) > 0 {
		r.rawVersion = v[0]
		r.FixedVer = fixedVersion(v[0])
		walkVersion(v[0], r.Strings)
	}
	if m := leaves[rtManifest]; len(m) > 0 {
		r.Manifest = string(m[0])
	}
	return nil
}

type entry struct {
	id    uint32
	named bool
	isDir bool
	off   uint32 // offset into the section
}

// dirEntries reads an IMAGE_RESOURCE_DIRECTORY at off.
func dirEntries(data []byte, off uint32) ([]entry, error) {
	if int(off)+16 > len(data) {
		return nil, errors.New("resource directory outside .rsrc")
	}
	n := int(binary.LittleEndian.Uint16(data[off+12:])) + int(binary.LittleEndian.Uint16(data[off+14:]))
	if int(off)+16+8*n > len(data) {
		return nil, errors.New("resource directory entries outside .rsrc")
	}
	out := make([]entry, 0, n)
	for i := 0; i < n; i++ {
		p := off + 16 + uint32(8*i)
		name := binary.LittleEndian.Uint32(data[p:])
		to := binary.LittleEndian.Uint32(data[p+4:])
		out = append(out, entry{
			id:    name &^ (1 << 31),
			named: name&(1<<31) != 0,
			isDir: to&(1<<31) != 0,
			off:   to &^ (1 << 31),
		})
	}
	return out, nil
}

// groupIconSizes reads a GRPICONDIR: 6-byte header, 14-byte entries.
func groupIconSizes(b []byte) []string {
	if len(b) < 6 {
		return nil
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	var out []string
	for i := 0; i < n && 6+14*(i+1) <= len(b); i++ {
		e := b[6+14*i:]
		w, h := int(e[0]), int(e[1])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		out = append(out, fmt.Sprintf("%dx%d@%dbpp", w, h, binary.LittleEndian.Uint16(e[6:])))
	}
	return out
}

// fixedVersion finds VS_FIXEDFILEINFO (signature 0xFEEF04BD) and returns its
// file version as a.b.c.d.
func fixedVersion(b []byte) string {
	for i := 0; i+16 <= len(b); i += 4 {
		if binary.LittleEndian.Uint32(b[i:]) == 0xFEEF04BD {
			ms := binary.LittleEndian.Uint32(b[i+8:])
			ls := binary.LittleEndian.Uint32(b[i+12:])
			return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
		}
	}
	return ""
}

// walkVersion walks the VS_VERSIONINFO tree of {wLength, wValueLength, wType,
// szKey, pad, Value, pad, Children} nodes and collects text values.
func walkVersion(b []byte, into map[string]string) {
	var node func(off, end int, depth int)
	node = func(off, end int, depth int) {
		for off+6 <= end && depth < 8 {
			length := int(binary.LittleEndian.Uint16(b[off:]))
			if length < 6 || off+length > end {
				return
			}
			valLen := int(binary.LittleEndian.Uint16(b[off+2:]))
			text := binary.LittleEndian.Uint16(b[off+4:]) == 1
			key, p := utf16z(b, off+6, off+length)
			p = align4(p)
			valBytes := valLen
			if text {
				valBytes = 2 * valLen
			}
			if text && depth >= 3 && valLen > 0 && p+valBytes <= off+length {
				v, _ := utf16z(b, p, p+valBytes)
				into[key] = v
			}
			if key != "VarFileInfo" {
				node(align4(p+valBytes), off+length, depth+1)
			}
			off = align4(off + length)
		}
	}
	node(0, len(b), 0)
}

func align4(n int) int { return (n + 3) &^ 3 }

// utf16z decodes a NUL-terminated UTF-16LE string starting at off (not past
// end) and returns it and the offset just past the NUL.
func utf16z(b []byte, off, end int) (string, int) {
	var u []uint16
	for off+2 <= end {
		c := binary.LittleEndian.Uint16(b[off:])
		off += 2
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), off
}
