package report

import (
	"strings"

	"github.com/mozillazg/go-pinyin"

	"github.com/aidledger/aidledger/events"
)

// Place names: the English text names a unit in pinyin with its
// administrative level ("Banma County"), and the province of a county by
// its division code.

// placeSuffixes are the administrative levels a unit's name may end in,
// longest first, with their English names.
var placeSuffixes = []struct{ zh, en string }{
	{"自治县", "Autonomous County"},
	{"自治旗", "Autonomous Banner"},
	{"自治州", "Autonomous Prefecture"},
	{"自治区", "Autonomous Region"},
	{"特区", "Special District"},
	{"新区", "New Area"},
	{"林区", "Forestry District"},
	{"区", "District"},
	{"县", "County"},
	{"市", "City"},
	{"旗", "Banner"},
	{"州", "Prefecture"},
	{"盟", "League"},
	{"省", "Province"},
	{"镇", "Town"},
	{"乡", "Township"},
}

// placeReadings are the readings of characters that place names read
// otherwise than their most common reading (长顺 Changshun, 重庆
// Chongqing, 都江堰 Dujiangyan, 单县 Shan County, 番禺 Panyu, 厦门 Xiamen,
// 蚌埠 Bengbu, 铅山 Yanshan, 尉犁 Yuli, 西藏 Xizang).
var placeReadings = map[rune]string{
	'长': "chang", '重': "chong", '都': "du", '单': "shan", '番': "pan",
	'厦': "xia", '蚌': "beng", '铅': "yan", '尉': "yu", '藏': "zang",
}

// pinyinArgs convert one character at a time, without tones.
var pinyinArgs = pinyin.NewArgs()

// placePinyin is the pinyin of a place name's stem as maps write it:
// syllables run together, the first capitalised, an apostrophe before a
// syllable that starts with a, o or e (Xi'an); characters that are not
// Chinese are kept as they are.
func placePinyin(stem string) string {
	var b strings.Builder
	for _, r := range stem {
		syl, ok := placeReadings[r]
		if !ok {
			if ps := pinyin.LazyPinyin(string(r), pinyinArgs); len(ps) == 1 {
				syl = ps[0]
			} else {
				syl = string(r)
			}
		}
		if b.Len() > 0 && strings.ContainsRune("aoe", rune(syl[0])) {
			b.WriteByte('\'')
		}
		b.WriteString(syl)
	}
	return upperFirst(b.String())
}

// englishPlace is u's name in English: the pinyin of its short name (or
// of its name without the administrative level) and the level in English
// ("Banma County" for 班玛县, short name 班玛; "Zhonglou District" for
// 常州市钟楼区, short name 钟楼). A unit without a Chinese name is its
// code.
func englishPlace(u events.Unit) string {
	name := fullName(u)
	level := ""
	stem := name
	for _, s := range placeSuffixes {
		if strings.HasSuffix(name, s.zh) && len(name) > len(s.zh) {
			level, stem = s.en, strings.TrimSuffix(name, s.zh)
			break
		}
	}
	if u.ShortName != "" && strings.Contains(name, u.ShortName) {
		stem = u.ShortName
	}
	if !hasHan(stem) {
		return name
	}
	if level == "" {
		return placePinyin(stem)
	}
	return placePinyin(stem) + " " + level
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff })
}

// provinces are the province-level divisions by the first two digits of
// a division code (GB/T 2260), in Chinese and English.
var provinces = map[string][2]string{
	"11": {"北京市", "Beijing"}, "12": {"天津市", "Tianjin"}, "13": {"河北省", "Hebei Province"},
	"14": {"山西省", "Shanxi Province"}, "15": {"内蒙古自治区", "Inner Mongolia"}, "21": {"辽宁省", "Liaoning Province"},
	"22": {"吉林省", "Jilin Province"}, "23": {"黑龙江省", "Heilongjiang Province"}, "31": {"上海市", "Shanghai"},
	"32": {"江苏省", "Jiangsu Province"}, "33": {"浙江省", "Zhejiang Province"}, "34": {"安徽省", "Anhui Province"},
	"35": {"福建省", "Fujian Province"}, "36": {"江西省", "Jiangxi Province"}, "37": {"山东省", "Shandong Province"},
	"41": {"河南省", "Henan Province"}, "42": {"湖北省", "Hubei Province"}, "43": {"湖南省", "Hunan Province"},
	"44": {"广东省", "Guangdong Province"}, "45": {"广西壮族自治区", "Guangxi"}, "46": {"海南省", "Hainan Province"},
	"50": {"重庆市", "Chongqing"}, "51": {"四川省", "Sichuan Province"}, "52": {"贵州省", "Guizhou Province"},
	"53": {"云南省", "Yunnan Province"}, "54": {"西藏自治区", "Xizang"}, "61": {"陕西省", "Shaanxi Province"},
	"62": {"甘肃省", "Gansu Province"}, "63": {"青海省", "Qinghai Province"}, "64": {"宁夏回族自治区", "Ningxia"},
	"65": {"新疆维吾尔自治区", "Xinjiang"},
}

// province is the province of division code in lang, or "" when the code
// names none.
func province(code, lang string) string {
	if len(code) < 2 {
		return ""
	}
	return named(provinces, code[:2], lang, "")
}
